; Inno Setup 6 script: the Windows installer of BitTTS Desktop.
;
; Input: the PyInstaller one-folder bundle built on Windows from packaging/bittts.spec
; (dist\BitTTS with BitTTS.exe, bittts-console.exe and _internal\). packaging/build.sh runs, in
; Git Bash on Windows:
;   iscc -Q -DAppVersion=0.1.0 -DBundleDir=C:\...\BitTTS -DOutputDir=C:\...\dist packaging\windows\bittts.iss
; By hand from the repository root, after `pyinstaller --distpath build\packaging\pyinstaller-dist packaging\bittts.spec`:
;   iscc packaging\windows\bittts.iss
; Output: BitTTS-Desktop-<version>-windows-x64-setup.exe. It installs per user by default (no
; administrator rights; the dialog offers all users), adds a Start menu entry, an optional
; desktop icon, "Open with" for the document types the app reads, and an uninstaller.
; Nothing is downloaded during installation or at run time. See docs/packaging.md.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\packaging\pyinstaller-dist\BitTTS"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define AppName "BitTTS Desktop"
#define AppExe "BitTTS.exe"

[Setup]
; A fixed AppId: upgrades replace the installed version. Never change it.
AppId={{7C1B4E52-9D3A-4F0E-A6B1-2E8D5C3F9A41}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=BitTTS Desktop developers
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\BitTTS Desktop
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=BitTTS-Desktop-{#AppVersion}-windows-x64-setup
SetupIconFile=..\icons\bittts.ico
UninstallDisplayIcon={app}\{#AppExe}
LicenseFile=..\..\LICENSE
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesAssociations=yes
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: both executables and _internal\ (Python, Qt, PortAudio from the
; sounddevice wheel, the engine extension, the model and its card).
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
; The NVDA add-on (packaging/build.sh writes it to the output folder first; docs/system-voice.md):
; its driver starts {app}\bittts-console.exe serve.
Source: "{#OutputDir}\BitTTS-{#AppVersion}.nvda-addon"; DestDir: "{app}"; Flags: ignoreversion skipifsourcedoesntexist

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; "Open with BitTTS Desktop" for the document types the app reads (no default handler is taken).
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".txt"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".md"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".html"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".htm"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".epub"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".pdf"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\.txt\OpenWithList\{#AppExe}"; ValueType: none; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\.md\OpenWithList\{#AppExe}"; ValueType: none; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\.epub\OpenWithList\{#AppExe}"; ValueType: none; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\.pdf\OpenWithList\{#AppExe}"; ValueType: none; Flags: uninsdeletekey

[Run]
; A post-install smoke check would need a console; run `bittts-console.exe --self-test` by hand
; (docs/packaging.md). The usual "launch now" box:
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
; Offered, not ticked: opening the add-on asks NVDA (when it is installed) to install the BitTTS voice.
Filename: "{app}\BitTTS-{#AppVersion}.nvda-addon"; Description: "Install the BitTTS voice for the NVDA screen reader"; Flags: shellexec nowait postinstall skipifsilent unchecked skipifdoesntexist
