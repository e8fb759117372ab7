; Inno Setup 6 script: the Windows installer of the counter, built from the PyInstaller bundle.
;
; Build on Windows (Inno Setup 6.4 or later, which ships ChineseSimplified.isl), from the
; repository root, after `.venv\Scripts\python packaging\build.py` made dist\member-counter\:
;
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.2.0 packaging\windows\member-counter.iss
;
; (AppVersion is app/version.py's __version__; build.py prints it.) With a code-signing
; certificate, add the signing tool (see README.md beside this file):
;
;   ISCC.exe /DAppVersion=0.2.0 /DSign "/Ssigntool=signtool.exe sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /f C:\keys\store.pfx /p $p" packaging\windows\member-counter.iss
;
; The result is packaging\windows\Output\member-counter-setup-0.2.0.exe.
;
; Per-user install, no administrator rights: the program goes to
; %LOCALAPPDATA%\Programs\Member Counter, so updates never need an administrator either.
; The data stays where the program keeps it (platformdirs):
; %LOCALAPPDATA%\MemberCounter\member-counter — never beside the program, never removed by an
; upgrade. Before the new version migrates the database it writes a copy to the backups\
; folder there itself (the program does this on its first start after the upgrade, with
; SQLite's backup API). Uninstalling keeps the data unless the user ticks the box.

#ifndef AppVersion
  #error Give the version: ISCC /DAppVersion=X.Y.Z (app/version.py)
#endif

#define AppName "会员收银台 Member Counter"
#define AppId "{{6F1C2A57-7C3B-4E0E-9D3A-4D5C8E1B2A90}"
#define BundleDir "..\..\dist\member-counter"
#define ProgramExe "member-counter.exe"
#define CliExe "member-counter-cli.exe"
#define DataDir "{localappdata}\MemberCounter\member-counter"

[Setup]
AppId={#AppId}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Member Counter
VersionInfoVersion={#AppVersion}
DefaultDirName={userpf}\Member Counter
DefaultGroupName=会员收银台
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
; Qt 6 runs on Windows 10 1809 (build 17763) and later, 64-bit only.
MinVersion=10.0.17763
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=Output
OutputBaseFilename=member-counter-setup-{#AppVersion}
SetupIconFile=..\..\resources\icons\member-counter.ico
UninstallDisplayIcon={app}\{#ProgramExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running counter is closed before its files are replaced (Restart Manager).
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=auto
#ifdef Sign
SignTool=signtool $f
SignedUninstaller=yes
#endif

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.DesktopIcon=在桌面创建快捷方式
english.DesktopIcon=Create a desktop shortcut
chinesesimplified.StartCounter=启动会员收银台
english.StartCounter=Start Member Counter
chinesesimplified.DeleteDataTitle=删除会员收银台的数据?
english.DeleteDataTitle=Delete Member Counter's data?
chinesesimplified.DeleteDataText=会员收银台已卸载。它的数据(会员、储值、积分、交易和备份)仍保存在:%n%1%n%n只有确定这台电脑不再使用这些数据(例如已同步到总部或另有备份)时才删除。
english.DeleteDataText=Member Counter has been removed. Its data (members, stored value, points, transactions and backups) is still in:%n%1%n%nDelete it only if this PC no longer needs it (it is synced with HQ or backed up elsewhere).
chinesesimplified.DeleteDataBox=同时删除这台电脑上的会员收银台数据
english.DeleteDataBox=Also delete Member Counter's data on this PC
chinesesimplified.Keep=保留数据
english.Keep=Keep the data
chinesesimplified.Delete=删除数据
english.Delete=Delete the data

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: checkedonce

[Files]
; The whole one-folder bundle; a file the new version no longer has is removed below.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; The previous version's files (never the data: that is not under {app}).
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\会员收银台"; Filename: "{app}\{#ProgramExe}"; WorkingDir: "{app}"
Name: "{autoprograms}\会员收银台 命令行"; Filename: "{cmd}"; Parameters: "/k ""{app}\{#CliExe}"" --help"; WorkingDir: "{app}"
Name: "{autodesktop}\会员收银台"; Filename: "{app}\{#ProgramExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#ProgramExe}"; Description: "{cm:StartCounter}"; Flags: nowait postinstall skipifsilent

[Code]
var
  DeleteData: Boolean;

function DataFolder(): String;
begin
  Result := ExpandConstant('{#DataDir}');
end;

{ Uninstall: keep the data unless the user ticks the box (unticked by default). }
function AskDeleteData(): Boolean;
var
  Form: TSetupForm;
  Text: TNewStaticText;
  Box: TNewCheckBox;
  KeepButton, DeleteButton: TNewButton;
begin
  Result := False;
  Form := CreateCustomForm(ScaleX(480), ScaleY(220), False, True);
  try
    Form.Caption := CustomMessage('DeleteDataTitle');
    Text := TNewStaticText.Create(Form);
    Text.Parent := Form;
    Text.AutoSize := False;
    Text.WordWrap := True;
    Text.SetBounds(ScaleX(16), ScaleY(16), Form.ClientWidth - ScaleX(32), ScaleY(110));
    Text.Caption := FmtMessage(CustomMessage('DeleteDataText'), [DataFolder()]);
    Box := TNewCheckBox.Create(Form);
    Box.Parent := Form;
    Box.SetBounds(ScaleX(16), ScaleY(130), Form.ClientWidth - ScaleX(32), ScaleY(20));
    Box.Caption := CustomMessage('DeleteDataBox');
    Box.Checked := False;
    KeepButton := TNewButton.Create(Form);
    KeepButton.Parent := Form;
    KeepButton.SetBounds(Form.ClientWidth - ScaleX(216), ScaleY(170), ScaleX(96), ScaleY(28));
    KeepButton.Caption := CustomMessage('Keep');
    KeepButton.ModalResult := mrCancel;
    KeepButton.Default := True;
    DeleteButton := TNewButton.Create(Form);
    DeleteButton.Parent := Form;
    DeleteButton.SetBounds(Form.ClientWidth - ScaleX(112), ScaleY(170), ScaleX(96), ScaleY(28));
    DeleteButton.Caption := CustomMessage('Delete');
    DeleteButton.ModalResult := mrOk;
    Form.ActiveControl := KeepButton;
    Result := (Form.ShowModal() = mrOk) and Box.Checked;
  finally
    Form.Free();
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usUninstall) and DirExists(DataFolder()) and not UninstallSilent() then
    DeleteData := AskDeleteData();
  if (CurUninstallStep = usPostUninstall) and DeleteData then
    DelTree(DataFolder(), True, True, True);
end;
