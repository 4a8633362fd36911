#!/usr/bin/env -S dotnet run
// Generates src/StickyPi.Core/Parsing/UnicodeNames.txt.gz, the table PythonLiteral resolves \N{...} escapes with.
//
//   dotnet run tools/UnicodeNames/GenerateUnicodeNames.cs -- [UCD folder] [output file]
//
// The UCD folder defaults to /usr/share/unicode (Debian/Ubuntu: apt-get install unicode-data); it needs
// UnicodeData.txt, NameAliases.txt and ReadMe.txt. Unicode's data files may be redistributed under the Unicode
// License v3 (https://www.unicode.org/license.txt); the generated table says which UCD version it was made from.
//
// Output (gzip, UTF-8 lines, '\n'):
//   # version <UCD version>          first line
//   R <first> <last>                 a CJK unified ideograph range (hex), named algorithmically
//   <HEX>;<NAME>                     every character name of UnicodeData.txt (not the "<...>" labels), then
//   <HEX>;<ALIAS>                    every formal alias of NameAliases.txt (all five types, as Python accepts them)
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

string ucd = args.Length > 0 ? args[0] : "/usr/share/unicode";
string output = args.Length > 1 ? args[1] : Path.Combine("src", "StickyPi.Core", "Parsing", "UnicodeNames.txt.gz");

string readMe = File.ReadAllText(Path.Combine(ucd, "ReadMe.txt"));
var versionMatch = Regex.Match(readMe, @"Version (\d+\.\d+\.\d+)");
if (!versionMatch.Success)
{
    Console.Error.WriteLine("Cannot find the UCD version in " + Path.Combine(ucd, "ReadMe.txt"));
    return 1;
}

var lines = new List<string> { "# version " + versionMatch.Groups[1].Value };
var names = new List<string>();
string rangeStart = null;
foreach (var line in File.ReadLines(Path.Combine(ucd, "UnicodeData.txt")))
{
    var f = line.Split(';');
    if (f.Length < 2)
    {
        continue;
    }

    if (f[1].StartsWith("<CJK Ideograph", StringComparison.Ordinal))
    {
        if (f[1].EndsWith(", First>", StringComparison.Ordinal))
        {
            rangeStart = f[0];
        }
        else if (f[1].EndsWith(", Last>", StringComparison.Ordinal))
        {
            lines.Add("R " + rangeStart + " " + f[0]);
        }

        continue;
    }

    if (!f[1].StartsWith("<", StringComparison.Ordinal))
    {
        names.Add(f[0] + ";" + f[1]);
    }
}

foreach (var line in File.ReadLines(Path.Combine(ucd, "NameAliases.txt")))
{
    if (line.Length == 0 || line[0] == '#')
    {
        continue;
    }

    var f = line.Split(';');
    names.Add(f[0] + ";" + f[1]);
}

lines.AddRange(names);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output)));
using (var file = File.Create(output))
using (var gzip = new GZipStream(file, CompressionLevel.SmallestSize))
{
    var bytes = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n");
    gzip.Write(bytes, 0, bytes.Length);
}

Console.WriteLine($"{output}: UCD {versionMatch.Groups[1].Value}, {names.Count} names and aliases, {lines.Count(l => l.StartsWith("R "))} ideograph ranges, {new FileInfo(output).Length} bytes");
return 0;
