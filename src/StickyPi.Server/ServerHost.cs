using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography.X509Certificates;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StickyPi.Core.Access;
using StickyPi.Core.Backend;
using StickyPi.Core.Parsing;
using StickyPi.Core.Model;

namespace StickyPi.Server
{
    /// <summary>Builds and runs the server: services, limits, logging, rate limiting, routes.</summary>
    public static class ServerHost
    {
        public static int Run(string[] args)
        {
            WebApplication app;
            try
            {
                app = Build(args);
            }
            catch (ServerConfigurationException e)
            {
                Console.Error.WriteLine("StickyPi.Server: " + e.Message);
                return 2;
            }

            app.Run();
            return 0;
        }

        public static WebApplication Build(string[] args)
        {
            var builder = WebApplication.CreateBuilder(args);

            // Hosting's own request lines carry full URLs (signed URLs' signatures): keep them out; we log our own.
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);

            builder.WebHost.ConfigureKestrel((context, kestrel) =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = 30 * 1024 * 1024; // raised per route (ApiRoutes.LimitBody)
                kestrel.Limits.KeepAliveTimeout = TimeSpan.FromMinutes(2);
                kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
                var certificate = context.Configuration["StickyPi:TlsCertificate"];
                if (!string.IsNullOrEmpty(certificate))
                {
                    var key = context.Configuration["StickyPi:TlsCertificateKey"];
                    var password = context.Configuration["StickyPi:TlsCertificatePassword"];
                    X509Certificate2 cert = !string.IsNullOrEmpty(key)
                        ? X509Certificate2.CreateFromPemFile(certificate, key)
                        : X509CertificateLoader.LoadPkcs12FromFile(certificate, password);
                    kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = cert);
                }
            });

            var services = builder.Services;
            services.AddSingleton(sp => ServerSettings.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>()));
            services.AddSingleton<IStickyBackend>(sp => ServerBackend.Open(sp.GetRequiredService<ServerSettings>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("StickyPi.Server")));
            services.AddSingleton(sp => new ApiToken(sp.GetRequiredService<ServerSettings>().SecretApiKey));
            services.AddSingleton(sp => new SignedFileUrl(sp.GetRequiredService<ServerSettings>().SecretApiKey));
            services.AddSingleton<Credentials>();
            services.AddSingleton<FileUrls>();
            services.AddSingleton<UploadSpace>();
            services.AddSingleton(sp => new ImageUploadIngest(sp.GetRequiredService<IStickyBackend>(), sp.GetRequiredService<ServerSettings>().ParallelImageParses));
            services.AddOptions<HostOptions>().Configure<IServiceProvider>((o, sp) => o.ShutdownTimeout = sp.GetRequiredService<ServerSettings>().ShutdownTimeout);
            services.AddRateLimiter(o =>
            {
                o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                {
                    if (http.Request.Path.StartsWithSegments("/healthz"))
                    {
                        return RateLimitPartition.GetNoLimiter("healthz");
                    }

                    var settings = http.RequestServices.GetRequiredService<ServerSettings>();
                    var partition = http.RequestServices.GetRequiredService<Credentials>().PartitionOf(http);
                    return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = settings.RateLimitBurst,
                        TokensPerPeriod = settings.RateLimitPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
                });
                o.OnRejected = async (context, token) =>
                {
                    context.HttpContext.Response.Headers.RetryAfter = "1";
                    await ApiErrors.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests for this user; retry shortly.",
                        errorId: "RateLimited");
                };
            });

            var app = builder.Build();
            Start(app);
            return app;
        }

        /// <summary>Checks the configuration, opens the store and creates the bootstrap users before any request.</summary>
        private static void Start(WebApplication app)
        {
            var settings = app.Services.GetRequiredService<ServerSettings>();
            var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StickyPi.Server");
            if (settings.SecretGenerated)
            {
                log.LogWarning("SECRET_API_KEY is not set: using a random key for this run (Development only); tokens and links die with the process.");
            }

            var backend = app.Services.GetRequiredService<IStickyBackend>();
            Bootstrap(backend, settings.AdminName, settings.AdminPassword, true, log);
            // Upstream makes the UID service user a global admin (spec §8 #31); it only needs to read images and write annotations.
            Bootstrap(backend, settings.UidUser, settings.UidPassword, false, log);
            app.Services.GetRequiredService<UploadSpace>();
            log.LogInformation("Serving {Backend}", settings.BackendDescription);

            app.Use(RequestLog);
            app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = ServerFault, SuppressDiagnosticsCallback = _ => true });
            app.UseStatusCodePages(async context =>
            {
                var http = context.HttpContext;
                if (!http.Response.HasStarted && (http.Response.ContentLength == null || http.Response.ContentLength == 0))
                {
                    var status = http.Response.StatusCode;
                    var message = status == 404 ? "Not Found: no such route (routes are /<method> or /<method>/<what>)."
                        : status == 405 ? "Method Not Allowed: every API route takes POST."
                        : ReasonPhrase(status);
                    await ApiErrors.Write(http, status, message, errorId: status == 404 ? "NotFound" : status == 405 ? "MethodNotAllowed" : null);
                }
            });
            app.UseRouting();
            app.UseRateLimiter();
            app.MapGet("/healthz", (IStickyBackend b) =>
            {
                b.FindCallerIdentity(0); // the catalog answers
                return Results.Text("{\"status\":\"ok\"}\n", "application/json");
            });
            ApiRoutes.Map(app);
            FileEndpoints.Map(app);
        }

        private static void Bootstrap(IStickyBackend backend, string name, string password, bool admin, ILogger log)
        {
            if (string.IsNullOrEmpty(name))
            {
                return;
            }

            try
            {
                backend.GetCallerIdentity(name);
                return; // an existing user is left as it is
            }
            catch (StickyPiException e) when (e.Kind == StickyErrorKind.NotFound)
            {
            }

            var chars = password.ToCharArray();
            try
            {
                backend.AddUser(CallerIdentity.LocalAdministrator, name, chars, null, isAdmin: admin, canWrite: true);
                log.LogInformation("Created the {Kind} user {User}", admin ? "administrator" : "UID service", name);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }

        /// <summary>One structured line per request: route pattern (never the query: it may hold a signature), user, status, duration, bytes.</summary>
        private static async Task RequestLog(HttpContext http, RequestDelegate next)
        {
            var started = Stopwatch.GetTimestamp();
            var counting = new CountingStream(http.Response.Body);
            http.Response.Body = counting;
            try
            {
                await next(http);
            }
            finally
            {
                var endpoint = http.GetEndpoint() as RouteEndpoint;
                var caller = http.Items.TryGetValue(ApiRoutes.CallerItem, out var c) ? ((CallerIdentity)c).UserName : null;
                var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("StickyPi.Server.Requests");
                log.LogInformation("{Method} {Route} user={User} status={Status} ms={Duration:0.0} in={BytesIn} out={BytesOut} id={RequestId}",
                    http.Request.Method, endpoint?.RoutePattern.RawText ?? "(unmatched)", caller ?? "-", http.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds, http.Request.ContentLength ?? 0, counting.Written, http.TraceIdentifier);
            }
        }

        /// <summary>A real server fault: logged with the request id, which the 500 body repeats.</summary>
        private static Task ServerFault(HttpContext http)
        {
            var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
            var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("StickyPi.Server");
            log.LogError(error, "Server fault {CorrelationId} on {Route}", http.TraceIdentifier, (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
            return ApiErrors.Write(http, StatusCodes.Status500InternalServerError, "Internal server error; quote the correlation id when reporting it.",
                errorId: "ServerFault", correlationId: http.TraceIdentifier);
        }

        private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

        /// <summary>Counts response bytes for the request log.</summary>
        private sealed class CountingStream : Stream
        {
            private readonly Stream _inner;

            public CountingStream(Stream inner) => _inner = inner;

            public long Written { get; private set; }

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

            public override void Flush() => _inner.Flush();

            public override Task FlushAsync(System.Threading.CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count)
            {
                _inner.Write(buffer, offset, count);
                Written += count;
            }

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, System.Threading.CancellationToken cancellationToken = default)
            {
                await _inner.WriteAsync(buffer, cancellationToken);
                Written += buffer.Length;
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, System.Threading.CancellationToken cancellationToken) =>
                WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        }
    }
}
