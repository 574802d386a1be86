//! A real SMTP server for the alert mail tests: aiosmtpd (from PyPI, pinned in
//! tests/mail/requirements.txt, in a virtualenv under target/ made on first use) writing what it
//! receives to a maildir, read back with Python's own email parser.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::helpers::free_port;

/// One virtualenv is made at a time.
static VENV: Mutex<()> = Mutex::new(());

fn python() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join("target/mail-venv");
    let python = venv.join("bin/python");
    let _made = VENV.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let ready = || Command::new(&python).args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
    if !ready() {
        let made = Command::new("python3").arg("-m").arg("venv").arg(&venv).status().expect("python3 -m venv");
        assert!(made.success(), "the virtualenv for aiosmtpd");
        let requirements = root.join("tests/mail/requirements.txt");
        let installed = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "-r"])
            .arg(&requirements)
            .status()
            .expect("pip");
        assert!(installed.success(), "aiosmtpd installs");
    }
    python
}

/// aiosmtpd on a loopback port, until dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    maildir: tempfile::TempDir,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let python = python();
        let maildir = tempfile::tempdir().expect("a maildir");
        let port = free_port();
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("mail"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "aiosmtpd never listened");
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer { child, port, maildir }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// What it received, as a mail client reads it.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let mail = self.maildir.path().join("mail");
        if !mail.join("new").exists() {
            return Vec::new();
        }
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mail/read_maildir.py");
        let output = Command::new(python()).arg(script).arg(&mail).output().expect("read the maildir");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        serde_json::from_slice(&output.stdout).expect("json")
    }

    /// Waits until it has received `count` messages.
    pub async fn received(&self, count: usize) -> Vec<serde_json::Value> {
        let started = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "{count} mails never came: {messages:?}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
