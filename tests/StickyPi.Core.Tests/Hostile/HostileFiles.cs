using System;
using System.IO;
using StickyPi.SampleData;

namespace StickyPi.Core.Tests.Hostile
{
    /// <summary>Hostile inputs built from valid samples, each by one small change.</summary>
    internal static class HostileFiles
    {
        /// <summary>
        /// A valid sample JPEG whose frame header (SOF) is rewritten to declare <paramref name="width"/> ×
        /// <paramref name="height"/>: a decompression bomb's header on a small file.
        /// </summary>
        public static byte[] Bomb(int width, int height, int seed = 1)
        {
            var jpeg = SampleImages.CreateJpeg(64, 48, seed, new ExifSpec("StickyPi", "v,T,H\n3.1.0,20.5,40.0"));
            int sof = FindFrameHeader(jpeg);
            jpeg[sof + 5] = (byte)(height >> 8);
            jpeg[sof + 6] = (byte)height;
            jpeg[sof + 7] = (byte)(width >> 8);
            jpeg[sof + 8] = (byte)width;
            return jpeg;
        }

        /// <summary>Offset of the SOF marker's 0xFF, found by walking the segments from SOI.</summary>
        public static int FindFrameHeader(byte[] jpeg)
        {
            int pos = 2;
            while (pos + 4 <= jpeg.Length)
            {
                if (jpeg[pos] != 0xFF)
                {
                    throw new InvalidDataException("not at a marker at " + pos);
                }

                int marker = jpeg[pos + 1];
                if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
                {
                    return pos;
                }

                pos += 2 + ((jpeg[pos + 2] << 8) | jpeg[pos + 3]);
            }

            throw new InvalidDataException("no SOF");
        }

        /// <summary>A sparse file of <paramref name="length"/> bytes whose first bytes are <paramref name="head"/>.</summary>
        public static void Sparse(string path, long length, byte[] head)
        {
            using (var fs = new FileStream(path, FileMode.Create, FileAccess.Write))
            {
                fs.Write(head, 0, head.Length);
                fs.SetLength(length);
            }
        }
    }
}
