using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace StickyPi.Server.Tests.Support
{
    /// <summary>
    /// The server in-process (WebApplicationFactory) on a fresh store folder (<c>stickypi-*</c>, deleted on dispose),
    /// configured through upstream's variables as a deployment would be, with every log line captured.
    /// </summary>
    public sealed class StickyServer : WebApplicationFactory<Program>
    {
        public const string Secret = "test-secret-key";
        public const string AdminName = "admin";
        public const string AdminPassword = "admin-password-123";
        public const string UidName = "spi_uid";
        public const string UidPassword = "uid-password-123";

        private readonly bool _ownsData;
        private readonly Dictionary<string, string> _settings;

        public StickyServer(string dataDirectory = null, IDictionary<string, string> settings = null)
        {
            _ownsData = dataDirectory == null;
            DataDirectory = dataDirectory ?? TestPaths.NewTempDir("stickypi-server");
            _settings = new Dictionary<string, string>
            {
                ["data"] = DataDirectory,
                ["SECRET_API_KEY"] = Secret,
                ["API_ADMIN_NAME"] = AdminName,
                ["API_ADMIN_PASSWORD"] = AdminPassword,
                ["UID_USER"] = UidName,
                ["UID_PASSWORD"] = UidPassword,
            };
            if (settings != null)
            {
                foreach (var kv in settings)
                {
                    _settings[kv.Key] = kv.Value;
                }
            }
        }

        public string DataDirectory { get; }

        public ConcurrentQueue<string> Logs { get; } = new ConcurrentQueue<string>();

        public ApiClient Api(string user = null, string password = null) => new ApiClient(CreateClient(), user, password);

        public ApiClient Admin() => Api(AdminName, AdminPassword);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var kv in _settings)
            {
                builder.UseSetting(kv.Key, kv.Value);
            }

            builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing && _ownsData)
            {
                TestPaths.DeleteDir(DataDirectory);
            }
        }

        private sealed class CapturingLoggerProvider : ILoggerProvider
        {
            private readonly ConcurrentQueue<string> _lines;

            public CapturingLoggerProvider(ConcurrentQueue<string> lines) => _lines = lines;

            public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

            public void Dispose()
            {
            }

            private sealed class Logger : ILogger
            {
                private readonly string _category;
                private readonly ConcurrentQueue<string> _lines;

                public Logger(string category, ConcurrentQueue<string> lines)
                {
                    _category = category;
                    _lines = lines;
                }

                public IDisposable BeginScope<TState>(TState state) => null;

                public bool IsEnabled(LogLevel logLevel) => true;

                public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception exception, Func<TState, Exception, string> formatter) =>
                    _lines.Enqueue(logLevel + " " + _category + ": " + formatter(state, exception) + (exception != null ? " " + exception : string.Empty));
            }
        }
    }
}
