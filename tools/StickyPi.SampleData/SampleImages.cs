using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using SkiaSharp;

namespace StickyPi.SampleData
{
    /// <summary>
    /// Writes synthetic Sticky Pi images: a yellow sticky card with dark "insects" and sensor noise, named
    /// <c>&lt;device&gt;.&lt;yyyy-MM-dd_HH-mm-ss&gt;.jpg</c>, with hand-written EXIF in either device format.
    /// Deterministic for a given seed.
    /// </summary>
    public static class SampleImages
    {
        public const int DefaultWidth = 1024;
        public const int DefaultHeight = 768;
        public const int DefaultQuality = 90;

        /// <summary>A JPEG of a sticky card with <paramref name="exif"/> in an APP1 segment right after SOI (null: no EXIF).</summary>
        public static byte[] CreateJpeg(int width, int height, int seed, ExifSpec exif)
        {
            var jpeg = EncodeCard(width, height, seed, SKEncodedImageFormat.Jpeg);
            return exif == null ? jpeg : InsertAfterSoi(jpeg, BuildExifSegment(exif));
        }

        /// <summary>A JPEG with EXIF bytes exactly as given (null omits a tag), for malformed-input tests.</summary>
        public static byte[] CreateJpegWithRawExif(byte[] makeBytes, byte[] userCommentBytes, int width = 320, int height = 240, int seed = 1) =>
            CreateJpeg(width, height, seed, ExifSpec.FromRaw(makeBytes, userCommentBytes));

        /// <summary>A valid JPEG without any APP1/EXIF segment.</summary>
        public static byte[] CreateJpegWithoutExif(int width = 320, int height = 240, int seed = 1) =>
            EncodeCard(width, height, seed, SKEncodedImageFormat.Jpeg);

        /// <summary>A PNG of the same card (e.g. to rename to .jpg).</summary>
        public static byte[] CreatePng(int width = 64, int height = 48, int seed = 1) =>
            EncodeCard(width, height, seed, SKEncodedImageFormat.Png);

        /// <summary>The file name devices use: <c>&lt;device&gt;.&lt;yyyy-MM-dd_HH-mm-ss&gt;.jpg</c>.</summary>
        public static string FileName(string device, DateTime utc) =>
            device + "." + utc.ToString("yyyy-MM-dd_HH-mm-ss", CultureInfo.InvariantCulture) + ".jpg";

        /// <summary>Writes one image with random (seeded) sensor values of the given format; returns its path.</summary>
        public static string WriteImage(string directory, string device, DateTime utc, SampleFormat format, int width, int height, int seed)
        {
            var rng = new Random(seed);
            var metadata = SampleMetadata.Random(rng, format, utc, gps: format == SampleFormat.Csv2022 || rng.Next(0, 2) == 0);
            return WriteImage(directory, device, utc, metadata.ToExif(), width, height, seed);
        }

        /// <summary>Writes one image with the given EXIF; returns its path.</summary>
        public static string WriteImage(string directory, string device, DateTime utc, ExifSpec exif, int width, int height, int seed)
        {
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, FileName(device, utc));
            File.WriteAllBytes(path, CreateJpeg(width, height, seed, exif));
            return path;
        }

        /// <summary>The shared fixture images' folders and names (spec Appendix A): 2020-format devices, then the 2022 device.</summary>
        public static readonly IReadOnlyList<(string Folder, string Device, DateTime Utc, SampleFormat Format)> FixtureNames = new[]
        {
            ("0a5bb6f4", "0a5bb6f4", Utc(2020, 6, 20, 20, 19, 15), SampleFormat.Legacy2020),
            ("0a5bb6f4", "0a5bb6f4", Utc(2020, 6, 20, 20, 37, 59), SampleFormat.Legacy2020),
            ("0a5bb6f4", "0a5bb6f4", Utc(2020, 6, 20, 20, 56, 43), SampleFormat.Legacy2020),
            ("0a5bb6f4", "0a5bb6f4", Utc(2020, 6, 20, 21, 15, 27), SampleFormat.Legacy2020),
            ("0a5bb6f4", "0a5bb6f4", Utc(2020, 6, 20, 21, 23, 49), SampleFormat.Legacy2020),
            ("1b74105a", "1b74105a", Utc(2020, 7, 5, 10, 7, 16), SampleFormat.Legacy2020),
            ("1b74105a", "1b74105a", Utc(2020, 7, 5, 10, 26, 18), SampleFormat.Legacy2020),
            ("2022", "512858f4", Utc(2022, 5, 17, 18, 34, 50), SampleFormat.Csv2022),
            ("2022", "512858f4", Utc(2022, 5, 17, 18, 37, 24), SampleFormat.Csv2022),
            ("2022", "512858f4", Utc(2022, 5, 17, 18, 46, 57), SampleFormat.Csv2022),
            ("5c173ff2", "5c173ff2", Utc(2020, 6, 20, 21, 33, 24), SampleFormat.Legacy2020),
        };

        /// <summary>
        /// Stand-ins for the 11 shared fixture images: the same sub-folders, names (devices, times) and EXIF formats,
        /// generated content (other md5s, sizes and sensor values). Returns the paths in <see cref="FixtureNames"/> order.
        /// </summary>
        public static IReadOnlyList<string> WriteFixtureStandIns(string directory, int width = 640, int height = 480)
        {
            var paths = new List<string>();
            var seed = 11;
            foreach (var (folder, device, utc, format) in FixtureNames)
            {
                paths.Add(WriteImage(Path.Combine(directory, folder), device, utc, format, width, height, seed++));
            }

            return paths;
        }

        private static DateTime Utc(int y, int mo, int d, int h, int mi, int s) => new DateTime(y, mo, d, h, mi, s, DateTimeKind.Utc);

        /// <summary>
        /// A small season of images from a few devices (two 2020-format devices, one with GPS, and two 2022-format
        /// devices), about 20 minutes apart, 1024×768; returns the paths in writing order.
        /// </summary>
        public static IReadOnlyList<string> WriteSeason(string directory, int count, int seed) =>
            WriteSeason(directory, count, seed, DefaultWidth, DefaultHeight);

        /// <summary><see cref="WriteSeason(string, int, int)"/> with an explicit image size.</summary>
        public static IReadOnlyList<string> WriteSeason(string directory, int count, int seed, int width, int height)
        {
            if (count < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            var rng = new Random(seed);
            var devices = new[]
            {
                new SeasonDevice(RandomDevice(rng), SampleFormat.Legacy2020, gps: false, new DateTime(2020, 6, 20, 20, 0, 0, DateTimeKind.Utc)),
                new SeasonDevice(RandomDevice(rng), SampleFormat.Legacy2020, gps: true, new DateTime(2020, 7, 5, 10, 0, 0, DateTimeKind.Utc)),
                new SeasonDevice(RandomDevice(rng), SampleFormat.Csv2022, gps: true, new DateTime(2022, 5, 17, 18, 30, 0, DateTimeKind.Utc)),
                new SeasonDevice(RandomDevice(rng), SampleFormat.Csv2022, gps: true, new DateTime(2022, 5, 18, 6, 0, 0, DateTimeKind.Utc)),
            };

            var paths = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var device = devices[i % devices.Length];
                var shot = i / devices.Length;

                // ~20 min apart with a little jitter, strictly increasing per device.
                var utc = device.Start.AddMinutes(20 * shot).AddSeconds(rng.Next(0, 60));
                var imageSeed = rng.Next();
                var metadata = SampleMetadata.Random(new Random(imageSeed), device.Format, utc, device.Gps);
                paths.Add(WriteImage(directory, device.Id, utc, metadata.ToExif(), width, height, imageSeed));
            }

            return paths;
        }

        /// <summary>
        /// The APP1 segment (marker, length, <c>Exif\0\0</c>, little-endian TIFF) holding IFD0 with <c>Make</c> and an
        /// Exif IFD pointer, and the Exif sub-IFD with <c>ExifVersion</c> and <c>UserComment</c>.
        /// </summary>
        public static byte[] BuildExifSegment(ExifSpec exif)
        {
            if (exif == null)
            {
                throw new ArgumentNullException(nameof(exif));
            }

            var tiff = new TiffWriter();
            tiff.Bytes(0x49, 0x49, 0x2A, 0x00).UInt32(8); // "II", 42, IFD0 at offset 8

            // IFD0: Make (0x010F, ASCII) and the Exif IFD pointer (0x8769, LONG), sorted by tag as TIFF requires.
            var ifd0Count = exif.MakeBytes != null ? 2 : 1;
            var ifd0End = 8 + 2 + (12 * ifd0Count) + 4;
            var makeOffset = ifd0End;
            var makeSpace = exif.MakeBytes != null && exif.MakeBytes.Length > 4 ? Even(exif.MakeBytes.Length) : 0;
            var subIfdOffset = makeOffset + makeSpace;

            tiff.UInt16(ifd0Count);
            if (exif.MakeBytes != null)
            {
                tiff.Entry(0x010F, 2, exif.MakeBytes, makeOffset);
            }

            tiff.UInt16(0x8769).UInt16(4).UInt32(1).UInt32(subIfdOffset);
            tiff.UInt32(0); // no IFD1
            if (makeSpace > 0)
            {
                tiff.Bytes(exif.MakeBytes).Pad(makeSpace - exif.MakeBytes.Length);
            }

            // Exif sub-IFD: ExifVersion "0230" (inline) and UserComment (0x9286, UNDEFINED).
            var subCount = exif.UserCommentBytes != null ? 2 : 1;
            var commentOffset = subIfdOffset + 2 + (12 * subCount) + 4;
            tiff.UInt16(subCount);
            tiff.Entry(0x9000, 7, new byte[] { (byte)'0', (byte)'2', (byte)'3', (byte)'0' }, 0);
            if (exif.UserCommentBytes != null)
            {
                tiff.Entry(0x9286, 7, exif.UserCommentBytes, commentOffset);
            }

            tiff.UInt32(0);
            if (exif.UserCommentBytes != null && exif.UserCommentBytes.Length > 4)
            {
                tiff.Bytes(exif.UserCommentBytes).Pad(Even(exif.UserCommentBytes.Length) - exif.UserCommentBytes.Length);
            }

            var body = tiff.ToArray();
            var segmentLength = 2 + 6 + body.Length;
            if (segmentLength > 0xFFFF)
            {
                throw new ArgumentException("EXIF values too large for one APP1 segment (" + segmentLength + " bytes).", nameof(exif));
            }

            var segment = new byte[2 + segmentLength];
            segment[0] = 0xFF;
            segment[1] = 0xE1;
            segment[2] = (byte)(segmentLength >> 8);
            segment[3] = (byte)segmentLength;
            var header = new byte[] { (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0 };
            Buffer.BlockCopy(header, 0, segment, 4, header.Length);
            Buffer.BlockCopy(body, 0, segment, 10, body.Length);
            return segment;
        }

        /// <summary>Inserts a marker segment right after the JPEG's SOI (FF D8).</summary>
        public static byte[] InsertAfterSoi(byte[] jpeg, byte[] segment)
        {
            if (jpeg == null || jpeg.Length < 2 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            {
                throw new ArgumentException("Not a JPEG (no SOI marker).", nameof(jpeg));
            }

            var result = new byte[jpeg.Length + segment.Length];
            result[0] = 0xFF;
            result[1] = 0xD8;
            Buffer.BlockCopy(segment, 0, result, 2, segment.Length);
            Buffer.BlockCopy(jpeg, 2, result, 2 + segment.Length, jpeg.Length - 2);
            return result;
        }

        /// <summary>Draws the card and encodes it (JPEG quality 90 or PNG).</summary>
        private static byte[] EncodeCard(int width, int height, int seed, SKEncodedImageFormat format)
        {
            if (width < 1 || height < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(width), "Image size must be positive.");
            }

            var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
            using (var bitmap = new SKBitmap(info))
            {
                var rng = new Random(seed);
                using (var canvas = new SKCanvas(bitmap))
                {
                    DrawCard(canvas, width, height, rng);
                }

                AddNoise(bitmap, rng.Next());
                using (var pixmap = bitmap.PeekPixels())
                using (var data = format == SKEncodedImageFormat.Png
                    ? pixmap.Encode(SKEncodedImageFormat.Png, 100)
                    : pixmap.Encode(new SKJpegEncoderOptions(DefaultQuality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)))
                {
                    return data.ToArray();
                }
            }
        }

        private static void DrawCard(SKCanvas canvas, int width, int height, Random rng)
        {
            var scale = Math.Min(width, height) / 768f;

            // Yellow card, brighter in the middle where the flash hits.
            var centre = new SKPoint(width * (0.45f + ((float)rng.NextDouble() * 0.1f)), height * (0.45f + ((float)rng.NextDouble() * 0.1f)));
            using (var shader = SKShader.CreateRadialGradient(centre, Math.Max(width, height) * 0.75f,
                new[] { new SKColor(226, 232, 96), new SKColor(196, 204, 58), new SKColor(70, 74, 20) }, new[] { 0f, 0.6f, 1f }, SKShaderTileMode.Clamp))
            using (var paint = new SKPaint { Shader = shader })
            {
                canvas.DrawRect(0, 0, width, height, paint);
            }

            // Printed grid of the sticky card.
            using (var grid = new SKPaint { Color = new SKColor(120, 110, 30, 90), StrokeWidth = Math.Max(1, 2 * scale), IsAntialias = true, Style = SKPaintStyle.Stroke })
            {
                var step = 96 * scale;
                for (var x = step / 2; x < width; x += step)
                {
                    canvas.DrawLine(x, 0, x, height, grid);
                }

                for (var y = step / 2; y < height; y += step)
                {
                    canvas.DrawLine(0, y, width, y, grid);
                }
            }

            // Insects: dozens to a few hundred dark bodies with translucent wings and legs, mostly small (midges).
            var insects = (int)((20 + rng.Next(0, 200)) * (width * (double)height) / (1024.0 * 768.0)) + 1;
            using (var body = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill })
            using (var wing = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Fill })
            using (var leg = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round })
            {
                for (var i = 0; i < insects; i++)
                {
                    var x = (float)rng.NextDouble() * width;
                    var y = (float)rng.NextDouble() * height;
                    var size = (float)((3 + (Math.Pow(rng.NextDouble(), 4) * 30)) * scale);
                    var angle = (float)(rng.NextDouble() * 360);
                    var shade = (byte)rng.Next(10, 90);
                    body.Color = new SKColor(shade, (byte)(shade * 0.8), (byte)(shade * 0.5));
                    wing.Color = new SKColor(200, 200, 190, (byte)rng.Next(40, 120));
                    leg.Color = body.Color;
                    leg.StrokeWidth = Math.Max(0.8f, size * 0.08f);

                    canvas.Save();
                    canvas.Translate(x, y);
                    canvas.RotateDegrees(angle);
                    for (var l = -1; l <= 1; l++)
                    {
                        canvas.DrawLine(l * size * 0.4f, 0, (l * size * 0.6f) + (size * 0.1f), -size * 0.9f, leg);
                        canvas.DrawLine(l * size * 0.4f, 0, (l * size * 0.6f) + (size * 0.1f), size * 0.9f, leg);
                    }

                    if (rng.Next(0, 3) > 0)
                    {
                        canvas.DrawOval(size * 0.2f, -size * 0.55f, size * 0.9f, size * 0.3f, wing);
                        canvas.DrawOval(size * 0.2f, size * 0.55f, size * 0.9f, size * 0.3f, wing);
                    }

                    canvas.DrawOval(0, 0, size, size * 0.35f, body);
                    canvas.DrawCircle(-size * 1.1f, 0, size * 0.25f, body);
                    canvas.Restore();
                }
            }
        }

        /// <summary>Sensor-like noise (±12 per channel, correlated across channels) with a cheap xorshift.</summary>
        private static void AddNoise(SKBitmap bitmap, int seed)
        {
            var pixels = bitmap.GetPixelSpan();
            var state = (uint)seed | 1u;
            for (var i = 0; i + 3 < pixels.Length; i += 4)
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                var luma = (int)(state % 25) - 12;
                var chroma = (int)((state >> 8) % 7) - 3;
                pixels[i] = Clamp(pixels[i] + luma + chroma);
                pixels[i + 1] = Clamp(pixels[i + 1] + luma);
                pixels[i + 2] = Clamp(pixels[i + 2] + luma - chroma);
            }
        }

        private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

        private static int Even(int n) => (n + 1) & ~1;

        private static string RandomDevice(Random rng) => rng.Next().ToString("x8", CultureInfo.InvariantCulture).PadLeft(8, '0').Substring(0, 8);

        private sealed class SeasonDevice
        {
            public SeasonDevice(string id, SampleFormat format, bool gps, DateTime start)
            {
                Id = id;
                Format = format;
                Gps = gps;
                Start = start;
            }

            public string Id { get; }

            public SampleFormat Format { get; }

            public bool Gps { get; }

            public DateTime Start { get; }
        }

        /// <summary>Little-endian TIFF body builder.</summary>
        private sealed class TiffWriter
        {
            private readonly MemoryStream _stream = new MemoryStream();

            public TiffWriter Bytes(params byte[] bytes)
            {
                _stream.Write(bytes, 0, bytes.Length);
                return this;
            }

            public TiffWriter UInt16(int v) => Bytes((byte)v, (byte)(v >> 8));

            public TiffWriter UInt32(int v) => Bytes((byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24));

            public TiffWriter Pad(int count) => Bytes(new byte[count]);

            /// <summary>An IFD entry of a byte-sized type: inline when ≤ 4 bytes, else at <paramref name="offset"/>.</summary>
            public TiffWriter Entry(int tag, int type, byte[] value, int offset)
            {
                UInt16(tag).UInt16(type).UInt32(value.Length);
                if (value.Length <= 4)
                {
                    var inline = new byte[4];
                    Buffer.BlockCopy(value, 0, inline, 0, value.Length);
                    return Bytes(inline);
                }

                return UInt32(offset);
            }

            public byte[] ToArray() => _stream.ToArray();
        }
    }
}
