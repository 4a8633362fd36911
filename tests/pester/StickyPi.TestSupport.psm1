<#
    Shared by the Pester tests of tests/pester: finds the module under test and the sample images, and makes what a
    test needs (temporary stores, images of chosen devices, tuboid folders, an ML bundle) in temporary folders named
    stickypi-* that the tests remove again in AfterAll/AfterEach.

    The runner sets $env:STICKYPI_TEST_MODULE (out/StickyPi/StickyPi.psd1) and $env:STICKYPI_TEST_SAMPLES (generated
    sample JPEGs, both EXIF formats). Without them the packaged module is taken from <repo>/out/StickyPi and the samples
    from <repo>/quickstart/samples, generated there with 'dotnet run --project tools/StickyPi.Quickstart' when missing.
#>

Set-StrictMode -Version Latest

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path

function Get-TestRepoRoot {
    $script:RepoRoot
}

function Get-TestModulePath {
    $path = if ($env:STICKYPI_TEST_MODULE) { $env:STICKYPI_TEST_MODULE } else { Join-Path $script:RepoRoot 'out/StickyPi/StickyPi.psd1' }
    if (-not (Test-Path -LiteralPath $path)) {
        throw "The packaged module is missing at '$path': build it first ('dotnet build StickyPi.PowerShell.sln') or set `$env:STICKYPI_TEST_MODULE."
    }

    (Resolve-Path -LiteralPath $path).Path
}

function Import-TestModule {
    <# Imports the module under test into the global scope (once per session). #>
    if (-not (Get-Module StickyPi)) {
        Import-Module (Get-TestModulePath) -Global -ErrorAction Stop
    }
}

function Get-TestSampleDirectory {
    <# The folder of sample JPEGs: $env:STICKYPI_TEST_SAMPLES, else <repo>/quickstart/samples (generated when empty). #>
    if ($env:STICKYPI_TEST_SAMPLES) {
        if (-not (Get-ChildItem -LiteralPath $env:STICKYPI_TEST_SAMPLES -Recurse -Filter *.jpg -ErrorAction SilentlyContinue | Select-Object -First 1)) {
            throw "`$env:STICKYPI_TEST_SAMPLES ('$env:STICKYPI_TEST_SAMPLES') holds no .jpg file."
        }

        return (Resolve-Path -LiteralPath $env:STICKYPI_TEST_SAMPLES).Path
    }

    $samples = Join-Path $script:RepoRoot 'quickstart/samples'
    if (-not (Get-ChildItem -LiteralPath $samples -Filter *.jpg -ErrorAction SilentlyContinue | Select-Object -First 1)) {
        # The quickstart writes its sample season (both EXIF formats) into ./quickstart/samples of the working folder.
        Push-Location $script:RepoRoot
        try {
            # The quickstart then imports them into ./quickstart/store; only the samples matter here.
            $log = & dotnet run --project (Join-Path $script:RepoRoot 'tools/StickyPi.Quickstart') 2>&1
            if (-not (Get-ChildItem -LiteralPath $samples -Filter *.jpg -ErrorAction SilentlyContinue | Select-Object -First 1)) {
                throw "Generating sample images failed (exit $LASTEXITCODE):`n$($log -join "`n")"
            }
        }
        finally {
            Pop-Location
        }
    }

    $samples
}

function Get-TestSample {
    <#
        Sample JPEG files. -Format picks the on-device EXIF format: the generated season's 2020-format devices have
        2020 dates, its 2022-format (CSV UserComment) devices 2022 dates.
    #>
    param(
        [ValidateSet('Any', 'Legacy2020', 'Csv2022')]
        [string] $Format = 'Any'
    )

    $all = Get-ChildItem -LiteralPath (Get-TestSampleDirectory) -Recurse -Filter *.jpg | Sort-Object Name
    $picked = switch ($Format) {
        'Legacy2020' { $all | Where-Object Name -Match '^[0-9a-fA-F]{8}\.2020-' }
        'Csv2022' { $all | Where-Object Name -Match '^[0-9a-fA-F]{8}\.2022-' }
        default { $all }
    }
    if (-not $picked) { throw "No $Format sample image in '$(Get-TestSampleDirectory)' (2020-format samples have 2020 dates, 2022-format ones 2022 dates)." }
    $picked
}

function Get-TestJpegSize {
    <# Width and height from a JPEG's start-of-frame segment, to check what the store read without an image library. #>
    param([Parameter(Mandatory)] [string] $Path)

    $bytes = [IO.File]::ReadAllBytes($Path)
    $i = 2
    while ($i + 9 -lt $bytes.Length) {
        if ($bytes[$i] -ne 0xFF) { $i++; continue }
        $marker = $bytes[$i + 1]
        $length = $bytes[$i + 2] * 256 + $bytes[$i + 3]
        # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if ($marker -ge 0xC0 -and $marker -le 0xCF -and $marker -notin 0xC4, 0xC8, 0xCC) {
            return [pscustomobject]@{ Width = $bytes[$i + 7] * 256 + $bytes[$i + 8]; Height = $bytes[$i + 5] * 256 + $bytes[$i + 6] }
        }
        $i += 2 + $length
    }
    throw "$Path has no JPEG start-of-frame segment."
}

function New-TestDirectory {
    <# A new empty folder stickypi-<Name>-<random> in the temporary directory. #>
    param([string] $Name = 'pester')

    $path = Join-Path ([IO.Path]::GetTempPath()) ("stickypi-$Name-" + [guid]::NewGuid().ToString('N').Substring(0, 12))
    (New-Item -ItemType Directory -Path $path -Force).FullName
}

function Remove-TestDirectory {
    <# Removes test folders (closing nothing: disconnect first); missing ones are ignored. #>
    param([string[]] $Path)

    foreach ($p in $Path) {
        if ($p -and (Test-Path -LiteralPath $p)) {
            Remove-Item -LiteralPath $p -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

function New-TestImage {
    <#
        Writes a valid Sticky Pi image named <Device>.<yyyy-MM-dd_HH-mm-ss>.jpg into -Directory by copying a sample
        (the store takes the device and time from the file name, as upstream does). -Index picks another sample, so
        images of the same key can differ in content. Returns the FileInfo.
    #>
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Device,
        [Parameter(Mandatory)] [datetime] $DateTime,
        [ValidateSet('Any', 'Legacy2020', 'Csv2022')] [string] $Format = 'Any',
        [int] $Index = 0
    )

    $samples = @(Get-TestSample -Format $Format)
    $source = $samples[$Index % $samples.Count]
    $null = New-Item -ItemType Directory -Path $Directory -Force
    $name = '{0}.{1}.jpg' -f $Device, $DateTime.ToString('yyyy-MM-dd_HH-mm-ss', [cultureinfo]::InvariantCulture)
    $target = Join-Path $Directory $name
    Copy-Item -LiteralPath $source.FullName -Destination $target -Force
    Get-Item -LiteralPath $target
}

function New-TestStore {
    <#
        A new store in a stickypi-* folder, connected (Connect-StickyApi makes it the session default): returns its
        Directory and Connection. -From copies a disconnected store folder first (e.g. users made once, since
        hashing their passwords takes a while).
    #>
    param(
        [string] $Name = 'store',
        [string] $From
    )

    $directory = New-TestDirectory -Name $Name
    if ($From) {
        Copy-Item -Path (Join-Path $From '*') -Destination $directory -Recurse
    }
    $connection = Connect-StickyApi -LocalDir $directory

    [pscustomobject]@{ Directory = $directory; Connection = $connection }
}

function Remove-TestStore {
    <# Disconnects and deletes stores made by New-TestStore. #>
    param([object[]] $Store)

    foreach ($s in $Store) {
        if ($null -eq $s) { continue }
        if ($s.Connection) { Disconnect-StickyApi -Connection $s.Connection }
        Remove-TestDirectory $s.Directory
    }
}

function New-TestTuboidSeries {
    <#
        A tiled-tuboid series folder as the tuboid pipeline writes it (spec §3.4): <device>.<start>.<end>.<algo_version>
        holding tuboid folders <series>.<NNNN>, each with metadata.txt (one line per shot), tuboid.jpg and context.jpg.
        Returns the series folder path.
    #>
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [string] $Device = '08038ade',
        [datetime] $Start = [datetime]::new(2020, 7, 8, 20, 0, 0, [DateTimeKind]::Utc),
        [datetime] $End = [datetime]::new(2020, 7, 9, 15, 0, 0, [DateTimeKind]::Utc),
        [string] $AlgoVersion = '1606980656-91e2199fccf371d3d690b2856613e8f5',
        [int[]] $TuboidNumber = @(0, 1, 2),
        [int] $Shots = 3
    )

    $fmt = 'yyyy-MM-dd_HH-mm-ss'
    $inv = [cultureinfo]::InvariantCulture
    $seriesName = '{0}.{1}.{2}.{3}' -f $Device, $Start.ToString($fmt, $inv), $End.ToString($fmt, $inv), $AlgoVersion
    $seriesDir = Join-Path $Directory $seriesName
    $jpeg = (Get-TestSample | Select-Object -First 1).FullName
    foreach ($n in $TuboidNumber) {
        $tuboidDir = Join-Path $seriesDir ('{0}.{1:0000}' -f $seriesName, $n)
        $null = New-Item -ItemType Directory -Path $tuboidDir -Force
        $lines = for ($s = 0; $s -lt $Shots; $s++) {
            # Shots 20 minutes apart from one hour after the series start, shifted per tuboid.
            $shot = $Start.AddHours(1).AddMinutes(20 * $s + $n)
            '{0}.{1},{2:F6},{3:F6},{4:F6}' -f $Device, $shot.ToString($fmt, $inv), (850.5 + $s), (184.25 + $n), 2.24
        }
        [IO.File]::WriteAllText((Join-Path $tuboidDir 'metadata.txt'), (($lines -join "`n") + "`n"))
        Copy-Item -LiteralPath $jpeg -Destination (Join-Path $tuboidDir 'tuboid.jpg')
        Copy-Item -LiteralPath $jpeg -Destination (Join-Path $tuboidDir 'context.jpg')
    }

    $seriesDir
}

function New-TestMlBundle {
    <#
        An ML bundle folder named -Name (the layout of upstream's bundles): config/*.yaml, data/*.svg annotations,
        output/model_final.pth, plus a file no bundle transfers (notes.md). Returns the folder path.
    #>
    param(
        [Parameter(Mandatory)] [string] $Directory,
        [Parameter(Mandatory)] [string] $Name
    )

    $root = Join-Path $Directory $Name
    $files = [ordered]@{
        'config/config.yaml'                      = "MODEL:`n  WEIGHTS: output/model_final.pth`nSOLVER:`n  BASE_LR: 0.00025`n"
        'data/0a5bb6f4.2020-06-30_20-41-05.svg'   = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M1 1L5 5"/></svg>'
        'data/5c173ff2.2020-07-05_20-33-31.svg'   = '<svg xmlns="http://www.w3.org/2000/svg"><path d="M2 2L9 9"/></svg>'
        'output/model_final.pth'                  = 'stand-in weights ' + ('w' * 4096)
        'notes.md'                                = 'not a bundle file'
    }
    foreach ($key in $files.Keys) {
        $path = Join-Path $root $key
        $null = New-Item -ItemType Directory -Path (Split-Path $path -Parent) -Force
        [IO.File]::WriteAllText($path, $files[$key])
    }

    $root
}

function Invoke-Hostless {
    <#
        Runs a script in a new runspace that has the module but no host user interface, so a confirmation prompt fails
        with HostFunctionNotImplemented instead of waiting for input, and -WhatIf prints nothing. Arguments are passed
        to the script's param() block. Returns Output, Errors and Exception.
    #>
    param(
        [Parameter(Mandatory)] [string] $Script,
        [object[]] $ArgumentList = @()
    )

    $ps = [powershell]::Create()
    try {
        $null = $ps.AddScript("Import-Module '$((Get-TestModulePath) -replace "'", "''")'").AddStatement().AddScript($Script)
        foreach ($a in $ArgumentList) { $null = $ps.AddArgument($a) }
        $output = $null
        $exception = $null
        try { $output = $ps.Invoke() } catch { $exception = $_.Exception }
        [pscustomobject]@{ Output = @($output); Errors = @($ps.Streams.Error); Exception = $exception }
    }
    finally {
        $ps.Dispose()
    }
}

function Start-TestStickyServer {
    <#
        Starts StickyPi.Server (built by 'dotnet build StickyPi.PowerShell.sln'; the newest of Debug and Release, or
        $env:STICKYPI_TEST_SERVER) on a free port of 127.0.0.1 with a fresh data folder and upstream's configuration
        variables, and waits until it answers. With $env:STICKYPI_TEST_SERVER_BACKEND = 'MariaDbS3' (the runner's second
        pass) it is deployed on a new MariaDB database and S3 bucket instead of the embedded store. Returns Url, Credential (the bootstrap administrator), Process and
        DataDirectory; stop it with Stop-TestStickyServer.
    #>
    $dll = $env:STICKYPI_TEST_SERVER
    if (-not $dll) {
        $dll = Get-ChildItem -Path (Join-Path $script:RepoRoot 'src/StickyPi.Server/bin/*/net*/StickyPi.Server.dll') -ErrorAction SilentlyContinue |
            Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1 -ExpandProperty FullName
    }
    if (-not $dll -or -not (Test-Path -LiteralPath $dll)) {
        throw "StickyPi.Server is not built: run 'dotnet build StickyPi.PowerShell.sln' or set `$env:STICKYPI_TEST_SERVER."
    }

    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $port = $listener.LocalEndpoint.Port
    $listener.Stop()
    $url = "http://127.0.0.1:$port/"
    $data = New-TestDirectory -Name 'server'
    $adminPassword = 'pester-admin-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, '--urls', $url.TrimEnd('/'), '--data', $data)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.Environment['ASPNETCORE_ENVIRONMENT'] = 'Production'
    $psi.Environment['SECRET_API_KEY'] = 'pester-' + [guid]::NewGuid().ToString('N')
    $psi.Environment['API_ADMIN_NAME'] = 'admin'
    $psi.Environment['API_ADMIN_PASSWORD'] = $adminPassword
    $psi.Environment['UID_USER'] = 'spi_uid'
    $psi.Environment['UID_PASSWORD'] = 'pester-uid-password'
    if ($env:STICKYPI_TEST_SERVER_BACKEND -eq 'MariaDbS3') {
        # Deployed as upstream deploys: a new database on the runner's MariaDB and a new bucket on its s3rver (the server
        # creates both); the folder then only holds uploads in flight.
        $id = [guid]::NewGuid().ToString('N').Substring(0, 12)
        $psi.Environment['StickyPi__MariaDb__ConnectionString'] = $env:STICKYPI_TEST_MARIADB.TrimEnd(';') + ";Database=pester_$id"
        $endpoint, $accessKey, $secretKey = $env:STICKYPI_TEST_S3 -split '\|'
        $psi.Environment['StickyPi__S3__ServiceUrl'] = $endpoint
        $psi.Environment['S3_ACCESS_KEY'] = $accessKey
        $psi.Environment['S3_PRIVATE_KEY'] = $secretKey
        $psi.Environment['S3_BUCKET_NAME'] = "pester-$id"
    }
    $process = [System.Diagnostics.Process]::Start($psi)
    # Drain the output so the server never blocks on a full pipe.
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    $deadline = [datetime]::UtcNow.AddSeconds(60)
    while ($true) {
        try {
            $null = Invoke-WebRequest -Uri ($url + 'healthz') -UseBasicParsing -TimeoutSec 5
            break
        }
        catch {
            if ($process.HasExited) { throw "StickyPi.Server exited with code $($process.ExitCode) before answering." }
            if ([datetime]::UtcNow -gt $deadline) { $process.Kill(); throw "StickyPi.Server did not answer on $url within 60 s." }
            Start-Sleep -Milliseconds 200
        }
    }

    [pscustomobject]@{
        Url           = $url
        Credential    = [pscredential]::new('admin', (ConvertTo-SecureString $adminPassword -AsPlainText -Force))
        Process       = $process
        DataDirectory = $data
    }
}

function Stop-TestStickyServer {
    <# Stops a server started by Start-TestStickyServer and removes its data folder and this computer's stat cache for it. #>
    param([object] $Server)

    if ($null -eq $Server) { return }
    if (-not $Server.Process.HasExited) {
        $Server.Process.Kill()
        $null = $Server.Process.WaitForExit(10000)
    }
    Remove-TestDirectory $Server.DataDirectory
    $uri = [uri]$Server.Url
    $cache = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) ('StickyPi/remote/{0}_{1}_{2}' -f $uri.Scheme, $uri.Host, $uri.Port)
    Remove-TestDirectory $cache
}

function Assert-ErrorRecord {
    <# Checks one error record's id (prefix before the comma), category and target. #>
    param(
        [Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord,
        [Parameter(Mandatory)] [string] $ErrorId,
        [Parameter(Mandatory)] [System.Management.Automation.ErrorCategory] $Category,
        [object] $TargetObject
    )

    $ErrorRecord.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
    $ErrorRecord.CategoryInfo.Category | Should -Be $Category
    if ($PSBoundParameters.ContainsKey('TargetObject')) {
        $ErrorRecord.TargetObject | Should -Be $TargetObject
    }
}

Export-ModuleMember -Function *-Test*, Assert-ErrorRecord, Invoke-Hostless
