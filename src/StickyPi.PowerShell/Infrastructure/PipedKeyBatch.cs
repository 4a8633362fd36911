using System;
using System.Collections.Generic;
using StickyPi.Core.Model;

namespace StickyPi.PowerShell
{
    /// <summary>
    /// Image keys piped one by one, handed to the store a batch at a time (one query or transaction per batch instead
    /// of one per key). The cmdlet adds each record's key and flushes what is left in its EndProcessing.
    /// </summary>
    internal sealed class PipedKeyBatch
    {
        private readonly List<ImageKey> _pending = new List<ImageKey>();
        private readonly int _size;
        private readonly Action<ImageKey[]> _process;

        public PipedKeyBatch(int size, Action<ImageKey[]> process)
        {
            _size = size;
            _process = process;
        }

        public void Add(ImageKey key)
        {
            _pending.Add(key);
            if (_pending.Count >= _size)
            {
                Flush();
            }
        }

        public void Flush()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            var keys = _pending.ToArray();
            _pending.Clear();
            _process(keys);
        }
    }
}
