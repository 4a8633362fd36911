using System;
using System.IO;
using System.Text;
using SharpFuzz;
using StickyPi.Core.Model;
using StickyPi.Core.Parsing;
using StickyPi.SampleData;

namespace StickyPi.Fuzz
{
    /// <summary>
    /// AFL targets over the parsers that read untrusted bytes. A target may refuse its input only with the parser's
    /// typed error (<see cref="StickyPiException"/>); any other exception, a hang or a native crash is a finding.
    /// </summary>
    public static class Program
    {
        // A valid name: the fuzzed part is the content.
        private const string ImageName = "0a5bb6f4.2022-06-01_12-00-00.jpg";

        public static int Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "seed")
            {
                WriteSeeds(args[1]);
                return 0;
            }

            if (args.Length >= 3 && args[0] == "replay")
            {
                // Runs inputs in-process (use an uninstrumented build): a finding's exception and stack are printed;
                // for a folder (e.g. an AFL queue), a tally of outcomes by error id.
                var files = Directory.Exists(args[2]) ? Directory.GetFiles(args[2]) : new[] { args[2] };
                var outcomes = new System.Collections.Generic.SortedDictionary<string, int>(StringComparer.Ordinal);
                foreach (var file in files)
                {
                    string outcome = Run(args[1], File.ReadAllBytes(file));
                    outcomes[outcome] = outcomes.TryGetValue(outcome, out var n) ? n + 1 : 1;
                }

                foreach (var pair in outcomes)
                {
                    Console.WriteLine(pair.Value + "\t" + pair.Key);
                }

                Console.WriteLine("no finding in " + files.Length + " input(s)");
                return 0;
            }

            if (args.Length != 1 || (args[0] != "image" && args[0] != "literal"))
            {
                Console.Error.WriteLine("usage: StickyPi.Fuzz image|literal   (under afl-fuzz)\n       StickyPi.Fuzz seed <folder>\n       StickyPi.Fuzz replay image|literal <file or folder>");
                return 2;
            }

            string target = args[0];
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using (var buffer = new MemoryStream())
                {
                    stream.CopyTo(buffer);
                    _ = Run(target, buffer.ToArray());
                }
            });
            return 0;
        }

        private static readonly StickyImageParser Parser = new StickyImageParser(limits: new InputLimits { MaxImagePixels = 64L << 20 });

        /// <summary>Parses one input; returns "parsed" or the typed refusal's error id. Anything else propagates (a finding).</summary>
        public static string Run(string target, byte[] input)
        {
            try
            {
                if (target == "image")
                {
                    Parser.Parse(input, ImageName, makeThumbnails: true);
                }
                else
                {
                    PythonLiteral.Parse(Encoding.UTF8.GetString(input), "fuzz", "EXIF Make");
                }

                return "parsed";
            }
            catch (StickyPiException e)
            {
                // A typed refusal (PythonLiteralException is one too): what hostile input should get.
                return e.ErrorId;
            }
        }

        /// <summary>Seeds: small sample images of both EXIF formats (as the tests make them) and literals of spec §4.4.</summary>
        private static void WriteSeeds(string folder)
        {
            string images = Path.Combine(folder, "image");
            string literals = Path.Combine(folder, "literal");
            Directory.CreateDirectory(images);
            Directory.CreateDirectory(literals);
            var utc = new DateTime(2022, 6, 1, 12, 0, 0, DateTimeKind.Utc);
            for (int i = 0; i < 4; i++)
            {
                var format = i % 2 == 0 ? SampleFormat.Legacy2020 : SampleFormat.Csv2022;
                var metadata = SampleMetadata.Random(new Random(i), format, utc, gps: i > 1);
                File.WriteAllBytes(Path.Combine(images, "sample" + i + ".jpg"), SampleImages.CreateJpeg(32 + (8 * i), 24 + (8 * i), i, metadata.ToExif()));
                if (format == SampleFormat.Legacy2020)
                {
                    File.WriteAllText(Path.Combine(literals, "make" + i + ".txt"), metadata.ToLegacyMake());
                }
            }

            File.WriteAllBytes(Path.Combine(images, "progressive-free.jpg"), SampleImages.CreateJpegWithoutExif(16, 16, 9));
            var extra = new[]
            {
                "{'a': [1, 2.5e-3, -0x1F, 0o17, 0b101, 1_000], 'b': (None, True, False), 'c': {'d': 'x\\n\\t\\x41\\u00e9\\U0001F600\\N{BULLET}'}}",
                "(1,)",
                "[[[[]]]]",
                "'a' \"b\" 'c'",
                "{'lat': 0, 'lng': 0, 'alt': 0, 'no_flash_bv': (1, 2), 'no_flash_iso': 100, 'no_flash_exposure_time': (1, 60), 'no_flash_shutter_speed': (1, 60)}",
            };
            for (int i = 0; i < extra.Length; i++)
            {
                File.WriteAllText(Path.Combine(literals, "extra" + i + ".txt"), extra[i]);
            }
        }
    }
}
