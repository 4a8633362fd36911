using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace StickyPi.Tests.Support
{
    /// <summary>What tests compute from files, the way upstream does (compiled into each test project, tests/Shared).</summary>
    public static class TestFiles
    {
        /// <summary>MD5 as upstream stores it: 32 lowercase hex characters.</summary>
        public static string Md5(byte[] bytes)
        {
            using (var md5 = MD5.Create())
            {
                return string.Concat(md5.ComputeHash(bytes).Select(b => b.ToString("x2")));
            }
        }

        public static string Md5(string path) => Md5(File.ReadAllBytes(path));
    }
}
