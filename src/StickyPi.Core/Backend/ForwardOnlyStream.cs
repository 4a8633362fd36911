using System;
using System.IO;

namespace StickyPi.Core.Backend
{
    /// <summary>
    /// A stream read once from start to end, as a network answer's body: no seeking, no writing, no length unless the
    /// subclass knows it. Subclasses give Read, and what disposing releases.
    /// </summary>
    public abstract class ForwardOnlyStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
