using System;

namespace StickyPi.Storage.S3
{
    /// <summary>Where the bucket is and how to sign for it (upstream's <c>S3_HOST</c>, <c>S3_BUCKET_NAME</c>, <c>S3_ACCESS_KEY</c>, <c>S3_PRIVATE_KEY</c>).</summary>
    public sealed class S3StorageOptions
    {
        /// <summary>The S3 endpoint, e.g. <c>https://s3.example.org</c> or <c>http://127.0.0.1:4569</c>; null for AWS itself (by region).</summary>
        public Uri ServiceUrl { get; set; }

        /// <summary>The bucket that holds every file, under upstream's keys.</summary>
        public string Bucket { get; set; }

        public string AccessKey { get; set; }

        public string SecretKey { get; set; }

        /// <summary>The signing region (S3-compatible servers accept any; upstream's deployments use <c>us-east-1</c>).</summary>
        public string Region { get; set; } = "us-east-1";

        /// <summary>
        /// Path-style addressing (<c>host/bucket/key</c>), which S3-compatible servers on a plain host name or an IP need;
        /// AWS itself also accepts it.
        /// </summary>
        public bool ForcePathStyle { get; set; } = true;

        /// <summary>
        /// A PEM file of CA certificates that may also sign the endpoint's certificate (a lab's own CA; upstream's and
        /// the AWS tools' <c>AWS_CA_BUNDLE</c>); null: the system's trust only.
        /// </summary>
        public string TrustedCaBundle { get; set; }

        /// <summary>Files larger than this go up in parts (S3 refuses a single PUT above 5 GB; parts also retry alone).</summary>
        public long MultipartThresholdBytes { get; set; } = 16 * 1024 * 1024;

        internal void Validate()
        {
            if (string.IsNullOrWhiteSpace(Bucket))
            {
                throw new ArgumentException("A bucket name is required.", nameof(Bucket));
            }

            if (string.IsNullOrEmpty(AccessKey) || string.IsNullOrEmpty(SecretKey))
            {
                throw new ArgumentException("An access key and a secret key are required.", nameof(AccessKey));
            }

            if (ServiceUrl != null && !ServiceUrl.IsAbsoluteUri)
            {
                throw new ArgumentException("The service URL must be absolute: " + ServiceUrl, nameof(ServiceUrl));
            }

            if (MultipartThresholdBytes < 5 * 1024 * 1024)
            {
                throw new ArgumentException("Parts are at least 5 MiB in S3.", nameof(MultipartThresholdBytes));
            }
        }
    }
}
