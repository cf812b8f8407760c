namespace Mxo.IntegrationTests;

/// <summary>A throwaway SQLite journal file for one test.</summary>
public sealed class TempData : IDisposable
{
    public TempData()
    {
        Directory = Path.Combine(Path.GetTempPath(), "mxo-it-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }
    public string SqliteFile => Path.Combine(Directory, "mxo.db");
    public string[] SqliteArgs => ["--persistence", "sqlite", "--connection-string", $"Data Source={SqliteFile}"];

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open by a crashed child process; the OS temp cleaner gets it
        }
    }
}
