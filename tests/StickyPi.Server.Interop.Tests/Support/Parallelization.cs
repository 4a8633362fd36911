// Each fixture here starts whole server stacks (upstream's MariaDB + s3rver + uWSGI, our server) on ports chosen free
// beforehand. Run side by side, they compete for those ports and for a 2-core CI machine's time while the other test
// assemblies run too; one at a time, each stack starts alone.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
