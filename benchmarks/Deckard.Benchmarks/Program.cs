using Deckard.Benchmarks;

var command = args.FirstOrDefault() ?? "help";
var runs = args.SkipWhile(arg => arg != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(3);
switch (command)
{
    case "apphost-startup":
        await AppHostStartupBenchmark.RunAsync(runs);
        break;
    default:
        Console.WriteLine("""
            Deckard benchmarks (build in Release first; each prints figures beside a baseline measured in the same run):
              apphost-startup [--runs N]   AppHost cold and warm start to all healthy, its memory, and shutdown time
            """);
        break;
}
