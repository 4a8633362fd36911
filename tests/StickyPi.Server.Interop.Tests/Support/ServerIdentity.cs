using System;
using System.Collections.Generic;
using System.IO;

namespace StickyPi.Server.Interop.Tests.Support
{
    /// <summary>Upstream's configuration variables (spec §6) that both servers are started with.</summary>
    public sealed class ServerIdentity
    {
        public string SecretApiKey;
        public string AdminName = "admin";
        public string AdminPassword = "admin-password-123";
        public string UidUser = "spi_uid";
        public string UidPassword = "uid-password-123";

        public static ServerIdentity NewRandom() =>
            new ServerIdentity { SecretApiKey = "interop-secret-" + Guid.NewGuid().ToString("N") };

        /// <summary>Reads the values upstream's start script wrote to <c>$RUN_DIR/server.env</c>.</summary>
        public static ServerIdentity FromEnvFile(string path)
        {
            var id = new ServerIdentity();
            foreach (var line in File.ReadAllLines(path))
            {
                var eq = line.IndexOf('=');
                if (eq <= 0)
                {
                    continue;
                }

                var key = line.Substring(0, eq).Trim();
                var value = line.Substring(eq + 1).Trim();
                switch (key)
                {
                    case "SECRET_API_KEY": id.SecretApiKey = value; break;
                    case "API_ADMIN_NAME": id.AdminName = value; break;
                    case "API_ADMIN_PASSWORD": id.AdminPassword = value; break;
                    case "UID_USER": id.UidUser = value; break;
                    case "UID_PASSWORD": id.UidPassword = value; break;
                }
            }

            if (string.IsNullOrEmpty(id.SecretApiKey))
            {
                throw new InvalidDataException("No SECRET_API_KEY in " + path);
            }

            return id;
        }

        public IDictionary<string, string> Environment() => new Dictionary<string, string>
        {
            ["SECRET_API_KEY"] = SecretApiKey,
            ["API_ADMIN_NAME"] = AdminName,
            ["API_ADMIN_PASSWORD"] = AdminPassword,
            ["UID_USER"] = UidUser,
            ["UID_PASSWORD"] = UidPassword,
        };
    }
}
