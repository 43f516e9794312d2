//! The client settings that live in files: PEM certificates and keys, and
//! Netscape cookie files. Each reads or writes the file and hands the bytes
//! to the core; every error names the file.

use std::fs;
use std::io::{BufReader, Write};
use std::path::Path;

use xmlrpc_proto::client::{
    ClientBuilder, ClientIdentity, ConfigError, CookieFileError, CookieJar, FromClientConfig, Pem,
};

/// File-reading settings for the core's [`ClientBuilder`], which reads no
/// file itself. A missing or unreadable file is reported by `build()` as
/// `ClientError::Config(ConfigError::Tls(..))` naming the path; so is
/// PEM in it that does not parse.
///
/// ```no_run
/// use transport_driver::ClientFiles;
/// # type Client = xmlrpc_proto::client::ClientConfig;
///
/// let client = xmlrpc_proto::client::ClientBuilder::<Client>::new("https://koji.example/kojihub")
///     .client_certificate_files("/etc/pki/koji/client.crt", "/etc/pki/koji/client.key")
///     .root_certificates_file("/etc/pki/koji/ca.crt")
///     .build()?;
/// # Ok::<(), xmlrpc_proto::client::ClientError>(())
/// ```
pub trait ClientFiles: Sized {
    /// [`ClientBuilder::client_certificate_pem`] from a certificate chain
    /// file and a private key file (both PEM).
    fn client_certificate_files(self, certificate: impl AsRef<Path>, key: impl AsRef<Path>)
        -> Self;

    /// [`ClientBuilder::root_certificates_pem`] from a PEM file (a CA
    /// bundle), trusted besides the standard roots.
    fn root_certificates_file(self, path: impl AsRef<Path>) -> Self;
}

impl<T: FromClientConfig> ClientFiles for ClientBuilder<T> {
    fn client_certificate_files(
        self,
        certificate: impl AsRef<Path>,
        key: impl AsRef<Path>,
    ) -> Self {
        match (read_pem(certificate.as_ref()), read_pem(key.as_ref())) {
            (Ok(certificate), Ok(key)) => {
                self.client_certificate(ClientIdentity { certificate, key })
            }
            (Err(e), _) | (_, Err(e)) => self.config_error(e),
        }
    }

    fn root_certificates_file(self, path: impl AsRef<Path>) -> Self {
        match read_pem(path.as_ref()) {
            Ok(pem) => self.root_certificates(pem),
            Err(e) => self.config_error(e),
        }
    }
}

fn read_pem(path: &Path) -> Result<Pem, ConfigError> {
    let origin = path.display().to_string();
    match fs::read(path) {
        Ok(bytes) => Ok(Pem::new(bytes, origin)),
        Err(e) => Err(ConfigError::Tls(format!("{origin}: cannot read: {e}"))),
    }
}

/// Reads a Netscape cookie file (curl's `-c`, Python's
/// `MozillaCookieJar`) into a jar for
/// [`ClientBuilder::cookie_jar`]. Errors name the file and, for a
/// malformed entry, its line.
pub fn load_cookie_jar(path: impl AsRef<Path>) -> Result<CookieJar, CookieFileError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let file = fs::File::open(path).map_err(|e| io_error(&name, &e))?;
    CookieJar::read_netscape(BufReader::new(file)).map_err(|e| e.in_file(name))
}

/// Writes `jar` to `path` in the Netscape format, replacing the file
/// whole (written beside it, then renamed); on unix only its owner may
/// read it, as curl does.
pub fn save_cookie_jar(jar: &CookieJar, path: impl AsRef<Path>) -> Result<(), CookieFileError> {
    let path = path.as_ref();
    let name = path.display().to_string();
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = std::path::PathBuf::from(temp);
    let written = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp)?;
        jar.write_netscape(&mut file)?;
        file.flush()?;
        fs::rename(&temp, path)
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error(&name, &e)
    })
}

fn io_error(name: &str, e: &std::io::Error) -> CookieFileError {
    CookieFileError {
        file: Some(name.to_owned()),
        line: None,
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmlrpc_proto::client::{ClientConfig, ClientError};

    #[test]
    fn missing_files_are_named_by_build() {
        let built = ClientConfig::builder("https://x/")
            .client_certificate_files("/nonexistent/client.pem", "/nonexistent/client.key")
            .build();
        match built {
            Err(ClientError::Config(ConfigError::Tls(why))) => {
                assert!(why.contains("/nonexistent/client.pem"), "{why}")
            }
            other => panic!("{other:?}"),
        }
        let built = ClientConfig::builder("https://x/")
            .root_certificates_file("/nonexistent/ca.pem")
            .build();
        assert!(
            matches!(built, Err(ClientError::Config(ConfigError::Tls(why))) if why.contains("/nonexistent/ca.pem"))
        );
    }

    #[test]
    fn cookie_files_round_trip_and_name_themselves() {
        let dir = std::env::temp_dir().join(format!("xrpc-cookies-{}", std::process::id()));
        let _ = fs::create_dir_all(&dir);
        let path = dir.join("jar.txt");
        let missing = load_cookie_jar(dir.join("none.txt")).expect_err("missing");
        assert!(missing.to_string().contains("none.txt"), "{missing}");

        fs::write(
            &path,
            "# Netscape HTTP Cookie File\nh\tFALSE\t/\tFALSE\t0\ta\tb\n",
        )
        .expect("write");
        let jar = load_cookie_jar(&path).expect("load");
        assert_eq!(jar.len(), 1);
        save_cookie_jar(&jar, &path).expect("save");
        assert_eq!(load_cookie_jar(&path).expect("load again").len(), 1);

        fs::write(&path, "h\tFALSE\t/\n").expect("write");
        let bad = load_cookie_jar(&path).expect_err("malformed");
        let text = bad.to_string();
        assert!(text.contains("jar.txt, line 1:"), "{text}");
        let _ = fs::remove_dir_all(&dir);
    }
}
