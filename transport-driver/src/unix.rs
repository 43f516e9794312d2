//! Binding a unix socket the same way on every transport.

use std::io;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

/// Binds a unix socket at `path`. A socket file left behind by a server
/// that is gone (nobody accepts on it) is replaced; a path where a server
/// still listens is `AddrInUse`, and a path that is not a socket is refused
/// untouched.
pub fn bind(path: &Path) -> io::Result<UnixListener> {
    match UnixListener::bind(path) {
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => {
            let meta = std::fs::symlink_metadata(path)?;
            if !meta.file_type().is_socket() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("{} exists and is not a socket", path.display()),
                ));
            }
            match UnixStream::connect(path) {
                Ok(_) => Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!("a server is listening on {}", path.display()),
                )),
                Err(_) => {
                    std::fs::remove_file(path)?;
                    UnixListener::bind(path)
                }
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_sockets_are_replaced_live_ones_and_files_are_not() {
        let dir = std::env::temp_dir().join(format!("xmlrpc-unix-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("s.sock");
        let _ = std::fs::remove_file(&path);
        let live = bind(&path).expect("first bind");
        let again = bind(&path).expect_err("a live server keeps its socket");
        assert_eq!(again.kind(), io::ErrorKind::AddrInUse);
        drop(live); // the file stays behind, stale
        let _replaced = bind(&path).expect("a stale socket is replaced");
        let file = dir.join("plain");
        std::fs::write(&file, b"data").expect("file");
        assert!(bind(&file).is_err());
        assert_eq!(std::fs::read(&file).expect("untouched"), b"data");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
