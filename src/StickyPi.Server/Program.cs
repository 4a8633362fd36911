using StickyPi.Server;

// dotnet run --project src/StickyPi.Server -- --urls http://127.0.0.1:8080 --data ./server-data
return ServerHost.Run(args);

/// <summary>The entry point (public so WebApplicationFactory&lt;Program&gt; can start the server in tests).</summary>
public partial class Program
{
}
