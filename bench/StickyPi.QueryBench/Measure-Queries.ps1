# Runs inside a fresh pwsh process (bench/StickyPi.QueryBench drives it): imports a packaged module, connects to the
# generated store and times the cmdlets; prints one JSON object. Modes: queries (a, b, c, -First 10, completion),
# whole (the whole catalog through Measure-Object, for the process's peak RSS), bare (import + connect only).
param(
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Store,
    [Parameter(Mandatory)] [ValidateSet('queries', 'whole', 'bare')] [string] $Mode,
    [string] $DeviceA,
    [datetime] $WeekStart,
    [datetime] $WeekEnd,
    [string] $PairsFile,
    [int] $Calls = 20,
    [int] $FirstCalls = 20,
    [int] $WholeCalls = 3
)
$ErrorActionPreference = 'Stop'
Import-Module $Module
$null = Connect-StickyApi -LocalDir $Store

function Get-PeakRssMiB { [double]((@(Get-Content "/proc/$PID/status") -match '^VmHWM:')[0] -replace '\D', '') / 1024 }

function Measure-Median([scriptblock] $Body, [int] $Count, [int] $Warm = 3) {
    for ($i = 0; $i -lt $Warm; $i++) { $null = & $Body }
    $times = [System.Collections.Generic.List[double]]::new()
    $cpu = [System.Collections.Generic.List[double]]::new()
    $sw = [System.Diagnostics.Stopwatch]::new()
    $process = [System.Diagnostics.Process]::GetCurrentProcess()
    for ($i = 0; $i -lt $Count; $i++) {
        $process.Refresh(); $cpu0 = $process.TotalProcessorTime
        $sw.Restart(); $null = & $Body; $sw.Stop()
        $process.Refresh(); $cpu.Add(($process.TotalProcessorTime - $cpu0).TotalMilliseconds)
        $times.Add($sw.Elapsed.TotalMilliseconds)
    }
    $sorted = $times | Sort-Object
    $mid = [int][math]::Floor(($Count - 1) / 2)
    [pscustomobject]@{ MedianMs = $sorted[$mid]; MinMs = $sorted[0]; MaxMs = $sorted[-1]; Calls = $Count; CpuMedianMs = @($cpu | Sort-Object)[$mid] }
}

$result = [ordered]@{ Mode = $Mode; Module = $Module }
switch ($Mode) {
    'bare' { }
    'queries' {
        $start = [datetime]::SpecifyKind($WeekStart, 'Utc'); $end = [datetime]::SpecifyKind($WeekEnd, 'Utc')
        $result.RowsA = @(Get-StickySeries -Device $DeviceA -StartTime $start -EndTime $end).Count
        $result.A = Measure-Median { Get-StickySeries -Device $DeviceA -StartTime $start -EndTime $end } $Calls
        $result.RowsB = @(Get-StickySeries -Device * -StartTime $start -EndTime $end).Count
        $result.B = Measure-Median { Get-StickySeries -Device * -StartTime $start -EndTime $end } $Calls
        $pairs = Get-Content $PairsFile -Raw | ConvertFrom-Json | ForEach-Object {
            [pscustomobject]@{ Device = $_.Device; DateTime = [datetime]::SpecifyKind([datetime]$_.DateTime, 'Utc') } }
        $result.RowsC = @($pairs | Get-StickyImage).Count
        $result.C = Measure-Median { $pairs | Get-StickyImage } $Calls
        $result.RowsFirst10 = @(Get-StickySeries -Device * | Select-Object -First 10).Count
        $result.First10 = Measure-Median { Get-StickySeries -Device * | Select-Object -First 10 } $FirstCalls -Warm 1
        $cmd = Get-Command Get-StickySeries
        $completer = $cmd.Parameters['Device'].Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] -or $_.GetType().Name -like '*Completer*' }
        $line = 'Get-StickySeries -Device '
        $result.CompletionMatches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.Count
        $result.CompletionHasCompleter = [bool]$completer
        $result.Completion = Measure-Median { TabExpansion2 -inputScript $line -cursorColumn $line.Length } $Calls
    }
    'whole' {
        $times = [System.Collections.Generic.List[double]]::new()
        $cpuTimes = [System.Collections.Generic.List[double]]::new()
        for ($i = 0; $i -lt $WholeCalls; $i++) {
            $process = [System.Diagnostics.Process]::GetCurrentProcess(); $cpu0 = $process.TotalProcessorTime
            $sw = [System.Diagnostics.Stopwatch]::StartNew()
            $count = (Get-StickySeries -Device * | Measure-Object).Count
            $sw.Stop()
            $times.Add($sw.Elapsed.TotalMilliseconds)
            $process.Refresh(); $cpuTimes.Add(($process.TotalProcessorTime - $cpu0).TotalMilliseconds)
        }
        $result.WholeCpuMs = @($cpuTimes)
        $result.Rows = $count
        $result.WholeMs = @($times)
    }
}
$result.PeakRssMiB = Get-PeakRssMiB
$result | ConvertTo-Json -Depth 4 -Compress
