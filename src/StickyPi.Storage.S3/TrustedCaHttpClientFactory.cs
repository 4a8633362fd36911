using System;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;

namespace StickyPi.Storage.S3
{
    /// <summary>
    /// HTTP clients for an S3 endpoint whose certificate a lab's own CA signed (MinIO or s3rver behind TLS, as upstream's
    /// deployment scripts make): a certificate the system trusts passes as usual; otherwise its chain must end at one of
    /// the bundle's certificates, and its name must match the host. Nothing else is relaxed.
    /// </summary>
    public sealed class TrustedCaHttpClientFactory : HttpClientFactory
    {
        private readonly X509Certificate2Collection _authorities = new X509Certificate2Collection();

        /// <param name="caBundlePath">A PEM file of one or more CA certificates.</param>
        public TrustedCaHttpClientFactory(string caBundlePath)
        {
            var pem = File.ReadAllText(caBundlePath ?? throw new ArgumentNullException(nameof(caBundlePath)));
            const string begin = "-----BEGIN CERTIFICATE-----", end = "-----END CERTIFICATE-----";
            for (int at = pem.IndexOf(begin, StringComparison.Ordinal); at >= 0; at = pem.IndexOf(begin, at + begin.Length, StringComparison.Ordinal))
            {
                int stop = pem.IndexOf(end, at, StringComparison.Ordinal);
                if (stop < 0)
                {
                    break;
                }

                var body = pem.Substring(at + begin.Length, stop - at - begin.Length);
                _authorities.Add(new X509Certificate2(Convert.FromBase64String(new string(body.Where(c => !char.IsWhiteSpace(c)).ToArray()))));
            }

            if (_authorities.Count == 0)
            {
                throw new ArgumentException("'" + caBundlePath + "' holds no PEM certificate.", nameof(caBundlePath));
            }
        }

        public override HttpClient CreateHttpClient(IClientConfig clientConfig) =>
            new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors) });

        /// <summary>True when the system trusts the certificate, or when its name matches and its chain ends at a bundle CA.</summary>
        public bool Trusted(X509Certificate2 certificate, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate == null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            {
                return false;
            }

            using (var chain = new X509Chain())
            {
                chain.ChainPolicy.ExtraStore.AddRange(_authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.VerificationFlags = X509VerificationFlags.AllowUnknownCertificateAuthority;
                if (!chain.Build(certificate))
                {
                    return false;
                }

                // Unknown authorities were allowed only so the chain could be built: its root must be one of ours.
                var root = chain.ChainElements[chain.ChainElements.Count - 1].Certificate;
                return _authorities.Cast<X509Certificate2>().Any(a => a.RawData.SequenceEqual(root.RawData));
            }
        }
    }
}
