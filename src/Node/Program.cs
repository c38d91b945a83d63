var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(args);
builder.Build().Run();
