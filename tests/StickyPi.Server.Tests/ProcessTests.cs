using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StickyPi.Server.Tests.Support;

namespace StickyPi.Server.Tests
{
    /// <summary>The server as a started process over real HTTP on 127.0.0.1: start-up checks, keep-alive, graceful shutdown.</summary>
    public class ProcessTests
    {
        [FixtureFact]
        public void It_refuses_to_start_without_secret_api_key_outside_development_with_a_clear_message()
        {
            var data = TestPaths.NewTempDir("stickypi-proc");
            try
            {
                using var p = Start(data, FreePort(), withSecret: false);
                Assert.True(p.WaitForExit(60000), "the server did not exit");
                Assert.Equal(2, p.ExitCode);
                Assert.Contains("SECRET_API_KEY is not set", p.StandardError.ReadToEnd());
            }
            finally
            {
                TestPaths.DeleteDir(data);
            }
        }

        [FixtureFact]
        public async Task It_serves_over_real_http_with_keep_alive_and_finishes_an_upload_in_flight_on_shutdown()
        {
            var data = TestPaths.NewTempDir("stickypi-proc");
            int port = FreePort();
            using var p = Start(data, port, withSecret: true);
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + port) };
                await WaitHealthy(http, p);
                using var api = new ApiClient(http, StickyServer.AdminName, StickyServer.AdminPassword);
                await api.UseToken();
                var image = TestPaths.Image("5c173ff2", "5c173ff2.2020-06-20_21-33-24.jpg");
                (await api.PutImage(image, "65e69135d29871e8ee0ac453583effaf")).AssertOk();
                var row = (await api.Post("get_images/image", "[{\"device\": \"5c173ff2\", \"datetime\": \"2020-06-20T21:33:24Z\"}]")).AssertOk();
                var file = await api.Send(row[0].GetProperty("url").GetString(), null, HttpMethod.Get);
                Assert.Equal(File.ReadAllBytes(image), file.Bytes);
                Assert.False(file.Headers.ConnectionClose ?? false);

                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && !RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                {
                    return; // SIGTERM below is POSIX
                }

                // An upload whose body is still arriving when the server is asked to stop completes, then the process exits 0.
                var bytes = File.ReadAllBytes(TestPaths.Image("2022", "512858f4.2022-05-17_18-46-57.jpg"));
                var slow = new SlowContent(bytes, afterFirstChunk: () => kill(p.Id, 15));
                var form = new MultipartFormDataContent();
                slow.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/jpeg");
                form.Add(slow, "512858f4.2022-05-17_18-46-57.jpg", "512858f4.2022-05-17_18-46-57.jpg");
                var response = await api.Send("_put_new_images", form);
                response.AssertOk();
                Assert.True(p.WaitForExit(60000), "the server did not stop");
                Assert.Equal(0, p.ExitCode);
                Assert.True(File.Exists(Path.Combine(data, "raw_images", "512858f4", "512858f4.2022-05-17_18-46-57.jpg")));
            }
            finally
            {
                if (!p.HasExited)
                {
                    p.Kill(true);
                    p.WaitForExit(10000);
                }

                TestPaths.DeleteDir(data);
            }
        }

        [FixtureFact]
        public async Task It_serves_https_when_a_certificate_is_configured()
        {
            var data = TestPaths.NewTempDir("stickypi-proc");
            int port = FreePort();
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=127.0.0.1", rsa,
                System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
            var certPath = Path.Combine(data, "server.crt");
            var keyPath = Path.Combine(data, "server.key");
            File.WriteAllText(certPath, cert.ExportCertificatePem());
            File.WriteAllText(keyPath, rsa.ExportPkcs8PrivateKeyPem());
            using var p = Start(Path.Combine(data, "store"), port, withSecret: true, https: true,
                extra: new[] { "--StickyPi:TlsCertificate", certPath, "--StickyPi:TlsCertificateKey", keyPath });
            try
            {
                using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c.Thumbprint == cert.Thumbprint };
                using var http = new HttpClient(handler) { BaseAddress = new Uri("https://127.0.0.1:" + port) };
                await WaitHealthy(http, p);
                using var api = new ApiClient(http, StickyServer.AdminName, StickyServer.AdminPassword);
                var token = await api.UseToken();
                Assert.False(string.IsNullOrEmpty(token));
            }
            finally
            {
                if (!p.HasExited)
                {
                    p.Kill(true);
                    p.WaitForExit(10000);
                }

                TestPaths.DeleteDir(data);
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int sig);

        private static Process Start(string data, int port, bool withSecret, bool https = false, string[] extra = null)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "StickyPi.Server.dll");
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { dll, "--urls", (https ? "https" : "http") + "://127.0.0.1:" + port, "--data", data })
            {
                info.ArgumentList.Add(a);
            }

            foreach (var a in extra ?? new string[0])
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            info.Environment["DOTNET_ENVIRONMENT"] = "Production";
            info.Environment.Remove("SECRET_API_KEY");
            if (withSecret)
            {
                info.Environment["SECRET_API_KEY"] = StickyServer.Secret;
                info.Environment["API_ADMIN_NAME"] = StickyServer.AdminName;
                info.Environment["API_ADMIN_PASSWORD"] = StickyServer.AdminPassword;
            }

            var p = Process.Start(info);
            // Drain stdout so the server never blocks on a full pipe.
            p.OutputDataReceived += (_, __) => { };
            p.BeginOutputReadLine();
            return p;
        }

        private static async Task WaitHealthy(HttpClient http, Process p)
        {
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline)
            {
                Assert.False(p.HasExited, "the server exited: " + (p.HasExited ? p.StandardError.ReadToEnd() : string.Empty));
                try
                {
                    using var r = await http.GetAsync("/healthz");
                    if (r.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(200);
            }

            throw new TimeoutException("The server did not become healthy.");
        }

        private static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        /// <summary>Sends a first chunk, runs an action, waits, then sends the rest.</summary>
        private sealed class SlowContent : HttpContent
        {
            private readonly byte[] _bytes;
            private readonly Action _afterFirstChunk;

            public SlowContent(byte[] bytes, Action afterFirstChunk)
            {
                _bytes = bytes;
                _afterFirstChunk = afterFirstChunk;
            }

            protected override async Task SerializeToStreamAsync(Stream stream, TransportContext context)
            {
                await stream.WriteAsync(_bytes, 0, 4096);
                await stream.FlushAsync();
                await Task.Delay(500);
                _afterFirstChunk();
                await Task.Delay(1500);
                await stream.WriteAsync(_bytes, 4096, _bytes.Length - 4096);
            }

            protected override bool TryComputeLength(out long length)
            {
                length = _bytes.Length;
                return true;
            }
        }
    }
}
