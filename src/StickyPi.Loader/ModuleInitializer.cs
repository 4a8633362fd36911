using System.Management.Automation;

namespace StickyPi.Loader
{
    /// <summary>PowerShell runs this on Import-Module, before any cmdlet of the module is invoked.</summary>
    public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => DependencyLoader.Register(typeof(ModuleInitializer).Assembly);

        public void OnRemove(PSModuleInfo psModuleInfo) => DependencyLoader.Unregister();
    }
}
