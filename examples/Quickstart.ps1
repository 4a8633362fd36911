<#
.SYNOPSIS
    Imports a folder of Sticky Pi images into an embedded local store and queries them back.
.DESCRIPTION
    Runs in PowerShell 7, Windows PowerShell 5.1, or (on machines without pwsh) through tools/StickyPi.Host via
    'dotnet run --project tools/StickyPi.Quickstart'. Uses only core cmdlets besides StickyPi's own, so it runs in
    any host.
.EXAMPLE
    ./examples/Quickstart.ps1 -SampleDir ./my-trap-images -StoreDir ./store
#>
param(
    [string] $SampleDir = "$PWD/quickstart/samples",
    [string] $StoreDir = "$PWD/quickstart/store",
    [string] $ModulePath = "$PSScriptRoot/../out/StickyPi/StickyPi.psd1"
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

'== Connect to (or create) the local store'
Connect-StickyApi -LocalDir $StoreDir | Out-Default

'== Import every image below the sample folder (a re-run skips what is stored already)'
$results = @(Send-StickyImage -Path $SampleDir -Recurse -ErrorAction Continue)
$tally = [ordered]@{ Sent = 0; Skipped = 0; Failed = 0 }
foreach ($r in $results) { $tally[[string]$r.Status]++ }
[pscustomobject]$tally | Out-Default
$results | Where-Object Status -eq 'Failed' | Out-Default

'== The whole season, all devices (first 8 rows)'
$series = @(Get-StickySeries -Device '*')
$devices = @{}
foreach ($image in $series) { $devices[$image.Device] = $true }
"{0} images from {1} devices" -f $series.Count, $devices.Count
$series[0..([Math]::Min(7, $series.Count - 1))] | Out-Default

'== One device, one day, with thumbnail paths'
$first = $series[0]
$day = $first.DateTime.Date
$ofDay = @(Get-StickySeries -Device $first.Device -StartTime $day -EndTime $day.AddDays(1) -What Thumbnail)
$ofDay[0..([Math]::Min(2, $ofDay.Count - 1))] | Out-Default

'== Annotate the first image, then read the annotation back'
if (-not ($first | Get-UidAnnotation | Where-Object AlgoName -eq 'quickstart')) {
    $null = $first | Set-UidAnnotation -AlgoName 'quickstart' -AlgoVersion '1700000000-00000000000000000000000000000000' -Annotation @(
        @{ contour = @(@(@(10, 10)), @(@(20, 10)), @(@(20, 20))); name = 'insect'; value = 0; fill_colour = '#ff0000'; stroke_colour = '#0000ff' }
    )
}
$first | Get-UidAnnotation | Out-Default
Get-StickySeries -Device $first.Device -StartTime $first.DateTime -EndTime $first.DateTime.AddHours(1) -WithAnnotation | Out-Default
