namespace Deckard.Hosting.ApplicationModel;

/// <summary>
/// Where a .NET project and its built assembly are. Deckard.AppHost generates one class per referenced project
/// (in the <c>Projects</c> namespace), as Aspire's AppHost SDK does.
/// </summary>
public interface IProjectMetadata
{
    string ProjectPath { get; }

    string AssemblyPath { get; }
}
