#
# Module manifest for StickyPi (StickyPi.PowerShell): run the Sticky Pi insect-trap data platform from a shell.
#
@{
    RootModule             = 'StickyPi.dll'
    # Imported before the root module: makes the module's own dependencies (deps/, runtimes/<rid>/native/) resolvable.
    NestedModules          = @('StickyPi.Loader.dll')
    ModuleVersion          = '0.1.0'
    GUID                   = '6f0d7c3e-2b4a-4f7e-9a51-5e2c8d41b7a9'
    Author                 = 'StickyPi.PowerShell contributors'
    CompanyName            = 'Sticky Pi community'
    Copyright              = '(c) StickyPi.PowerShell contributors. GPL-3.0-or-later, as upstream sticky-pi-api.'
    Description            = 'Import, query and annotate Sticky Pi insect-trap images (an embedded SQLite store compatible with the upstream sticky_pi_api local client), from Windows PowerShell 5.1 and PowerShell 7.'
    PowerShellVersion      = '5.1'
    CompatiblePSEditions   = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess       = @(
        'StickyPi.Format.ps1xml'
        'StickyPi.Projects.Format.ps1xml'
        'StickyPi.Tuboids.Format.ps1xml'
        'StickyPi.MLBundles.Format.ps1xml'
    )
    CmdletsToExport        = @(
        'Connect-StickyApi'
        'Disconnect-StickyApi'
        'Send-StickyImage'
        'Get-StickyImage'
        'Get-StickySeries'
        'Remove-StickyImage'
        'Set-UidAnnotation'
        'Get-UidAnnotation'
        'Get-StickyImageToAnnotate'
        'New-StickyUser'
        'Get-StickyUser'
        'Remove-StickyUser'
        'New-StickyProject'
        'Get-StickyProject'
        'Remove-StickyProject'
        'Grant-StickyProjectPermission'
        'Get-StickyProjectPermission'
        'Revoke-StickyProjectPermission'
        'Add-StickyProjectSeries'
        'Get-StickyProjectSeries'
        'Set-StickyProjectSeries'
        'Remove-StickyProjectSeries'
        'Add-StickyProjectColumn'
        'Get-StickyProjectColumn'
        'Rename-StickyProjectColumn'
        'Remove-StickyProjectColumn'
        'Send-StickyTuboid'
        'Get-StickyTuboid'
        'Remove-StickyTuboid'
        'Set-ItcLabel'
        'Get-ItcLabel'
        'Sync-MLBundle'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('StickyPi', 'insects', 'ecology', 'images', 'sqlite', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # No ProjectUri: this module has no public project page yet, and upstream's sticky-pi-api repository is not this
            # module's. Add it when the module's own repository is published.
            LicenseUri   = 'https://www.gnu.org/licenses/gpl-3.0.txt'
            ReleaseNotes = '0.1.0: first release. Embedded local store compatible with upstream sticky_pi_api: incremental image import, series queries, UID annotations and reservations, users, projects and permissions, project series, tiled tuboids, ITC labels, ML bundles.'
        }
    }
}
