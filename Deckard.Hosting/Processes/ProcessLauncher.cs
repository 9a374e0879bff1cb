using System.Collections.Concurrent;
using System.Diagnostics;

namespace Deckard.Hosting.Processes;

/// <summary>
/// Starts child processes so that none outlives the AppHost, even when the AppHost is killed with SIGKILL:
/// each child runs under <c>setsid</c> (its own session, so a terminal's Ctrl+C reaches only the AppHost, which then
/// stops children in order) and <c>setpriv --pdeathsig SIGKILL</c> (the kernel kills it when its parent dies).
/// The kernel ties the parent-death signal to the thread that forked the child, so every start happens on one
/// long-lived thread; a pool thread that retires would take its children with it.
/// </summary>
public sealed class ProcessLauncher : IDisposable
{
    private readonly BlockingCollection<(ProcessStartInfo StartInfo, TaskCompletionSource<Process> Started)> _requests = new();
    private readonly Thread _thread;

    public ProcessLauncher()
    {
        SetSid = FindOnPath("setsid");
        SetPriv = FindOnPath("setpriv");
        _thread = new Thread(StartRequests) { IsBackground = true, Name = "Deckard process launcher" };
        _thread.Start();
    }

    /// <summary>Null where util-linux's <c>setsid</c> is missing: children then share the AppHost's process group.</summary>
    public string? SetSid { get; }

    /// <summary>Null where util-linux's <c>setpriv</c> is missing: children then survive an AppHost killed with SIGKILL.</summary>
    public string? SetPriv { get; }

    public Task<Process> StartAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((CreateStartInfo(spec), started), cancellationToken);
        return started.Task;
    }

    /// <summary>The command line actually run for <paramref name="spec"/>: the wrappers, then the program.</summary>
    public ProcessStartInfo CreateStartInfo(ProcessSpec spec)
    {
        var command = new List<string>();
        if (SetSid is not null)
        {
            command.Add(SetSid);
        }

        if (SetPriv is not null)
        {
            command.Add(SetPriv);
            if (spec.RunAs is { } user)
            {
                command.AddRange(["--reuid", user.UserId.ToString(), "--regid", user.GroupId.ToString(), "--clear-groups"]);
            }

            command.AddRange(["--pdeathsig", "SIGKILL", "--"]);
        }
        else if (spec.RunAs is not null)
        {
            throw new DeckardHostingException(
                $"Running {Path.GetFileName(spec.FileName)} as user '{spec.RunAs.Name}' needs setpriv from util-linux: sudo apt-get install -y util-linux");
        }

        command.Add(spec.FileName);
        command.AddRange(spec.Arguments);

        var startInfo = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in command.Skip(1))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (key, value) in spec.Environment)
        {
            startInfo.Environment[key] = value;
        }

        return startInfo;
    }

    private void StartRequests()
    {
        foreach (var (startInfo, started) in _requests.GetConsumingEnumerable())
        {
            try
            {
                var process = Process.Start(startInfo)
                    ?? throw new InvalidOperationException($"{startInfo.FileName} did not start.");
                process.StandardInput.Close();
                started.TrySetResult(process);
            }
            catch (Exception exception)
            {
                started.TrySetException(exception);
            }
        }
    }

    internal static string? FindOnPath(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/sbin").Append("/sbin")
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Call only once every child has stopped: the launcher thread ends, and the kernel kills what it started.</summary>
    public void Dispose()
    {
        if (_requests.IsAddingCompleted)
        {
            return;
        }

        _requests.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _requests.Dispose();
    }
}
