//! Running the `tieuchuan` binary as the benchmark's subject: commands timed with their peak
//! resident memory (from `wait4`), and the service started, waited for, and stopped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How a finished command went.
#[derive(Debug, Clone, Copy)]
pub struct Finished {
    pub wall: Duration,
    /// Peak resident set size, in bytes.
    pub peak_rss: u64,
}

/// The `tieuchuan` binary with a data directory and database of its own.
pub struct Subject {
    pub binary: PathBuf,
    pub data_dir: PathBuf,
}

impl Subject {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .env("TIEUCHUAN_DATA_DIR", &self.data_dir)
            .env_remove("DATABASE_URL")
            .env_remove("TIEUCHUAN_CONFIG")
            .env("TIEUCHUAN_LOG_FORMAT", "text")
            .env("RUST_LOG", "warn");
        command
    }

    /// Runs a command to its end; its output goes to `DATA_DIR.log` and is shown when it fails.
    pub fn run(&self, args: &[&str]) -> Result<Finished, String> {
        let log_path = self.data_dir.with_extension("log");
        let log = std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let errors = log.try_clone().map_err(|e| e.to_string())?;
        let started = Instant::now();
        let child = self
            .command(args)
            .stdout(log)
            .stderr(errors)
            .spawn()
            .map_err(|e| format!("{}: {e}", self.binary.display()))?;
        let (status, peak_rss) = wait_with_rusage(&child)?;
        let wall = started.elapsed();
        if status != 0 {
            let output = std::fs::read_to_string(&log_path).unwrap_or_default();
            return Err(format!("tieuchuan {} failed: {output}", args.join(" ")));
        }
        Ok(Finished { wall, peak_rss })
    }

    /// Starts the service on a loopback port and waits until `/readyz` answers 200.
    pub fn serve(&self, port: u16) -> Result<(Server, Duration), String> {
        let started = Instant::now();
        let child = self
            .command(&["serve"])
            .env("TIEUCHUAN_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{}: {e}", self.binary.display()))?;
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let agent = ureq::Agent::new_with_defaults();
        loop {
            if agent.get(format!("{}/readyz", server.base)).call().is_ok_and(|r| r.status() == 200) {
                return Ok((server, started.elapsed()));
            }
            if started.elapsed() > Duration::from_secs(300) {
                return Err("the service did not become ready within 5 minutes".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A running service.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Stops the service (SIGTERM) and returns its peak resident memory over the whole run.
    pub fn stop(self) -> Result<u64, String> {
        let pid = libc::pid_t::try_from(self.child.id()).map_err(|e| e.to_string())?;
        // SAFETY: signalling our own child process by its pid.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        wait_with_rusage(&self.child).map(|(_, rss)| rss)
    }
}

/// Reaps a child and returns its exit status and peak RSS in bytes.
fn wait_with_rusage(child: &Child) -> Result<(i32, u64), String> {
    let pid = libc::pid_t::try_from(child.id()).map_err(|e| e.to_string())?;
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills; the pid is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if reaped != pid {
        return Err(format!("waiting for process {pid} failed"));
    }
    let code = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    Ok((code, u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024))
}

/// The size of a directory tree, in bytes.
pub fn tree_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map_or(0, |m| m.len());
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => tree_size(&entry.path()),
            _ => entry.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}
