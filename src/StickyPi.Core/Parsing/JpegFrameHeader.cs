namespace StickyPi.Core.Parsing
{
    /// <summary>
    /// Finds a JPEG's frame header (SOF) by walking its marker segments as libjpeg does, without decoding anything:
    /// the size a decoder would allocate for, known before it allocates.
    /// </summary>
    public static class JpegFrameHeader
    {
        /// <summary>
        /// Width and height of the first SOF segment before the first scan. False when there is none (the data ends,
        /// a segment is cut short, or a scan or EOI comes first): no decoder can decode such a file either.
        /// </summary>
        public static bool TryRead(byte[] data, int length, out int width, out int height)
        {
            width = height = 0;
            if (data == null || length < 4 || length > data.Length || data[0] != 0xFF || data[1] != 0xD8)
            {
                return false;
            }

            int pos = 2;
            while (true)
            {
                // libjpeg skips stray bytes before a marker, and any number of 0xFF fill bytes.
                while (pos < length && data[pos] != 0xFF)
                {
                    pos++;
                }

                while (pos < length && data[pos] == 0xFF)
                {
                    pos++;
                }

                if (pos >= length)
                {
                    return false;
                }

                int marker = data[pos++];
                if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
                {
                    continue; // no length field
                }

                if (marker == 0xDA || marker == 0xD9 || marker == 0x00)
                {
                    return false; // a scan or the end before any frame header
                }

                if (pos + 2 > length)
                {
                    return false;
                }

                int segment = (data[pos] << 8) | data[pos + 1];
                if (segment < 2)
                {
                    return false;
                }

                if (IsStartOfFrame(marker))
                {
                    // length(2) precision(1) height(2) width(2)
                    if (segment < 7 || pos + 7 > length)
                    {
                        return false;
                    }

                    height = (data[pos + 3] << 8) | data[pos + 4];
                    width = (data[pos + 5] << 8) | data[pos + 6];
                    return true;
                }

                pos += segment;
            }
        }

        /// <summary>SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).</summary>
        public static bool IsStartOfFrame(int marker) =>
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }
}
