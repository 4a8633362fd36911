using System;
using System.IO;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace StickyPi.Server
{
    /// <summary>
    /// The server's settings, from ASP.NET Core configuration: appsettings, environment variables (upstream's names,
    /// spec §6: <c>SECRET_API_KEY</c>, <c>LOCAL_DIR</c>, <c>API_ADMIN_NAME</c>, <c>API_ADMIN_PASSWORD</c>,
    /// <c>UID_USER</c>, <c>UID_PASSWORD</c>, <c>MYSQL_*</c>, <c>S3_*</c>) and the command line (<c>--data</c>,
    /// <c>--StickyPi:UrlLifetimeSeconds</c> …). Upstream's MariaDB variables choose its catalog; upstream's S3 variables
    /// (or a folder) hold the files then.
    /// </summary>
    public sealed class ServerSettings
    {
        public const long MiB = 1024 * 1024;

        /// <summary>
        /// The embedded store's directory (<c>--data</c>, <c>StickyPi:Data</c> or <c>LOCAL_DIR</c>); with a MariaDB catalog
        /// and no S3, the folder that holds the files.
        /// </summary>
        public string DataDirectory { get; set; }

        /// <summary>
        /// The MariaDB catalog, from upstream's <c>MYSQL_HOST</c> (host[:port]), <c>MYSQL_USER</c>, <c>MYSQL_PASSWORD</c>,
        /// <c>MYSQL_DATABASE</c>, or <c>StickyPi:MariaDb:ConnectionString</c>; null for the embedded store.
        /// </summary>
        public string MariaDbConnectionString { get; set; }

        /// <summary>How long the server waits for MariaDB at start (upstream retries every 2 s until it answers).</summary>
        public TimeSpan MariaDbStartTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>
        /// The S3 bucket holding the files, from upstream's <c>S3_HOST</c> (its endpoint is <c>https://S3_HOST</c>, or
        /// <c>StickyPi:S3:ServiceUrl</c>), <c>S3_ACCESS_KEY</c>, <c>S3_PRIVATE_KEY</c>, <c>S3_BUCKET_NAME</c>; null otherwise.
        /// </summary>
        public StickyPi.Storage.S3.S3StorageOptions S3 { get; set; }

        /// <summary>What the server serves, for its log: the store's folder, or the catalog and the storage.</summary>
        public string BackendDescription => MariaDbConnectionString == null
            ? "the embedded store in " + DataDirectory
            : "the MariaDB catalog " + new MySqlConnector.MySqlConnectionStringBuilder(MariaDbConnectionString) { Password = "" }.Server + " with " +
              (S3 != null ? "the S3 bucket " + S3.Bucket + " at " + S3.ServiceUrl : "the files in " + DataDirectory);

        /// <summary>Signs tokens (itsdangerous-compatible) and file URLs.</summary>
        public string SecretApiKey { get; set; }

        /// <summary>True when the key was generated because none was configured (Development only).</summary>
        public bool SecretGenerated { get; set; }

        public string AdminName { get; set; }

        public string AdminPassword { get; set; }

        public string UidUser { get; set; }

        public string UidPassword { get; set; }

        /// <summary>Lifetime of signed file URLs and upload links (upstream: 7 days).</summary>
        public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromDays(7);

        /// <summary>Scheme, host and port put in file URLs; by default those the request came to.</summary>
        public string PublicBaseUrl { get; set; }

        /// <summary>Largest JSON body.</summary>
        public long MaxJsonBytes { get; set; } = 16 * MiB;

        /// <summary>Largest <c>_put_new_images</c> request (upstream's nginx: 100 MiB).</summary>
        public long MaxImageRequestBytes { get; set; } = 100 * MiB;

        /// <summary>Largest <c>_put_tiled_tuboids</c> request.</summary>
        public long MaxTuboidRequestBytes { get; set; } = 100 * MiB;

        /// <summary>Largest ML bundle file upload.</summary>
        public long MaxBundleFileBytes { get; set; } = 4096 * MiB;

        /// <summary>Requests a user may make per second on average, and in a burst.</summary>
        public int RateLimitPerSecond { get; set; } = 200;

        public int RateLimitBurst { get; set; } = 400;

        /// <summary>Largest width x height of an uploaded image (its JPEG frame header), Pillow's limit by default.</summary>
        public long MaxImagePixels { get; set; } = StickyPi.Core.Parsing.InputLimits.PillowMaxImagePixels;

        /// <summary>Images parsed at once (0: one per processor).</summary>
        public int ParallelImageParses { get; set; }

        /// <summary>How long shutdown waits for requests in flight (uploads) to finish.</summary>
        public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>Reads the settings; throws <see cref="ServerConfigurationException"/> with a message to act on.</summary>
        public static ServerSettings From(IConfiguration config, IHostEnvironment environment)
        {
            var s = new ServerSettings
            {
                DataDirectory = First(config, "data", "StickyPi:Data", "LOCAL_DIR"),
                SecretApiKey = First(config, "SECRET_API_KEY", "StickyPi:SecretApiKey"),
                AdminName = First(config, "API_ADMIN_NAME", "StickyPi:AdminName"),
                AdminPassword = First(config, "API_ADMIN_PASSWORD", "StickyPi:AdminPassword"),
                UidUser = First(config, "UID_USER", "StickyPi:UidUser"),
                UidPassword = First(config, "UID_PASSWORD", "StickyPi:UidPassword"),
                PublicBaseUrl = First(config, "StickyPi:PublicBaseUrl"),
            };

            s.UrlLifetime = TimeSpan.FromSeconds(Number(config, "StickyPi:UrlLifetimeSeconds", (long)s.UrlLifetime.TotalSeconds, 1));
            s.MaxJsonBytes = Number(config, "StickyPi:Limits:JsonBytes", s.MaxJsonBytes, 1024);
            s.MaxImageRequestBytes = Number(config, "StickyPi:Limits:ImageRequestBytes", s.MaxImageRequestBytes, 1024);
            s.MaxTuboidRequestBytes = Number(config, "StickyPi:Limits:TuboidRequestBytes", s.MaxTuboidRequestBytes, 1024);
            s.MaxBundleFileBytes = Number(config, "StickyPi:Limits:BundleFileBytes", s.MaxBundleFileBytes, 1024);
            s.MaxImagePixels = Number(config, "StickyPi:Limits:MaxImagePixels", s.MaxImagePixels, 1);
            s.RateLimitPerSecond = (int)Number(config, "StickyPi:RateLimit:PerSecond", s.RateLimitPerSecond, 1);
            s.RateLimitBurst = (int)Number(config, "StickyPi:RateLimit:Burst", s.RateLimitBurst, 1);
            s.ParallelImageParses = (int)Number(config, "StickyPi:ParallelImageParses", 0, 0);
            s.ShutdownTimeout = TimeSpan.FromSeconds(Number(config, "StickyPi:ShutdownTimeoutSeconds", (long)s.ShutdownTimeout.TotalSeconds, 0));
            s.MariaDbStartTimeout = TimeSpan.FromSeconds(Number(config, "StickyPi:MariaDb:StartTimeoutSeconds", (long)s.MariaDbStartTimeout.TotalSeconds, 0));
            s.MariaDbConnectionString = MariaDb(config);
            s.S3 = S3Storage(config);
            if (s.S3 != null && s.MariaDbConnectionString == null)
            {
                throw new ServerConfigurationException("S3_HOST is set but MYSQL_HOST is not: S3 holds the files of a MariaDB catalog (set MYSQL_HOST, " +
                    "MYSQL_USER, MYSQL_PASSWORD and MYSQL_DATABASE), or serve the embedded store with --data alone.");
            }

            if (string.IsNullOrWhiteSpace(s.DataDirectory) && s.S3 == null)
            {
                throw new ServerConfigurationException(s.MariaDbConnectionString == null
                    ? "No store directory: start with --data <folder> (or set StickyPi:Data or LOCAL_DIR)."
                    : "MYSQL_HOST is set but nothing holds the files: set S3_HOST, S3_ACCESS_KEY, S3_PRIVATE_KEY and S3_BUCKET_NAME, or give a folder with --data.");
            }

            s.DataDirectory = string.IsNullOrWhiteSpace(s.DataDirectory) ? null : Path.GetFullPath(s.DataDirectory);
            if (string.IsNullOrEmpty(s.SecretApiKey))
            {
                if (!environment.IsDevelopment())
                {
                    throw new ServerConfigurationException(
                        "SECRET_API_KEY is not set. It signs tokens and file URLs: set it to a long random string (the same as upstream's " +
                        "server to share tokens with it), e.g. SECRET_API_KEY=$(openssl rand -hex 32). Only the Development environment " +
                        "starts without it.");
                }

                s.SecretApiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                s.SecretGenerated = true;
            }

            CheckUser("API_ADMIN_NAME", s.AdminName, "API_ADMIN_PASSWORD", s.AdminPassword);
            CheckUser("UID_USER", s.UidUser, "UID_PASSWORD", s.UidPassword);
            if (!string.IsNullOrEmpty(s.PublicBaseUrl) && !Uri.TryCreate(s.PublicBaseUrl, UriKind.Absolute, out _))
            {
                throw new ServerConfigurationException("StickyPi:PublicBaseUrl '" + s.PublicBaseUrl + "' is not an absolute URL.");
            }

            return s;
        }

        /// <summary>The MariaDB connection string from upstream's variables or our own setting; null when neither is given.</summary>
        private static string MariaDb(IConfiguration config)
        {
            var explicitString = First(config, "StickyPi:MariaDb:ConnectionString");
            var host = First(config, "MYSQL_HOST");
            if (explicitString != null)
            {
                return explicitString;
            }

            if (host == null)
            {
                return null;
            }

            foreach (var (name, value) in new[] { ("MYSQL_USER", First(config, "MYSQL_USER")), ("MYSQL_DATABASE", First(config, "MYSQL_DATABASE")) })
            {
                if (string.IsNullOrEmpty(value))
                {
                    throw new ServerConfigurationException("MYSQL_HOST is set but " + name + " is not.");
                }
            }

            try
            {
                return StickyPi.Catalog.MariaDb.MariaDbCatalog.ConnectionString(host, First(config, "MYSQL_DATABASE"), First(config, "MYSQL_USER"), First(config, "MYSQL_PASSWORD"));
            }
            catch (ArgumentException e)
            {
                throw new ServerConfigurationException("MYSQL_HOST: " + e.Message.Split('\n')[0].Replace(" (Parameter 'host')", string.Empty));
            }
        }

        /// <summary>The S3 bucket from upstream's variables (endpoint https://S3_HOST) or StickyPi:S3:ServiceUrl; null when no host is given.</summary>
        private static StickyPi.Storage.S3.S3StorageOptions S3Storage(IConfiguration config)
        {
            var serviceUrl = First(config, "StickyPi:S3:ServiceUrl");
            var host = First(config, "S3_HOST");
            if (serviceUrl == null && host == null)
            {
                return null;
            }

            if (!Uri.TryCreate(serviceUrl ?? "https://" + host, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != "https" && endpoint.Scheme != "http"))
            {
                throw new ServerConfigurationException("The S3 endpoint '" + (serviceUrl ?? host) + "' is not an http(s) URL or a host[:port].");
            }

            var options = new StickyPi.Storage.S3.S3StorageOptions
            {
                ServiceUrl = endpoint,
                AccessKey = First(config, "S3_ACCESS_KEY", "StickyPi:S3:AccessKey"),
                SecretKey = First(config, "S3_PRIVATE_KEY", "StickyPi:S3:SecretKey"),
                Bucket = First(config, "S3_BUCKET_NAME", "StickyPi:S3:Bucket"),
                Region = First(config, "StickyPi:S3:Region") ?? "us-east-1",
                TrustedCaBundle = First(config, "StickyPi:S3:TrustedCaBundle", "AWS_CA_BUNDLE"),
            };
            if (options.TrustedCaBundle != null && !File.Exists(options.TrustedCaBundle))
            {
                throw new ServerConfigurationException("The S3 CA bundle '" + options.TrustedCaBundle + "' (AWS_CA_BUNDLE or StickyPi:S3:TrustedCaBundle) does not exist.");
            }
            foreach (var (name, value) in new[] { ("S3_ACCESS_KEY", options.AccessKey), ("S3_PRIVATE_KEY", options.SecretKey), ("S3_BUCKET_NAME", options.Bucket) })
            {
                if (string.IsNullOrEmpty(value))
                {
                    throw new ServerConfigurationException("S3_HOST is set but " + name + " is not.");
                }
            }

            return options;
        }

        private static void CheckUser(string nameVariable, string name, string passwordVariable, string password)
        {
            if (!string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(password) && password.Length <= 10)
            {
                throw new ServerConfigurationException(passwordVariable + " must be longer than 10 characters (as upstream requires).");
            }

            if (!string.IsNullOrEmpty(name) && string.IsNullOrEmpty(password))
            {
                throw new ServerConfigurationException(nameVariable + " is set but " + passwordVariable + " is not.");
            }
        }

        private static string First(IConfiguration config, params string[] keys)
        {
            foreach (var k in keys)
            {
                var v = config[k];
                if (!string.IsNullOrWhiteSpace(v))
                {
                    return v;
                }
            }

            return null;
        }

        private static long Number(IConfiguration config, string key, long fallback, long min)
        {
            var text = config[key];
            if (string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (!long.TryParse(text, out long value) || value < min)
            {
                throw new ServerConfigurationException(key + " must be a whole number of at least " + min + " (got '" + text + "').");
            }

            return value;
        }
    }

    /// <summary>A configuration the server refuses to start with.</summary>
    public sealed class ServerConfigurationException : Exception
    {
        public ServerConfigurationException(string message)
            : base(message)
        {
        }
    }
}
