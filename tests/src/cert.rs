//! A self-signed certificate for `localhost`, made fresh in each test.

use crate::TlsIdentity;

/// A self-signed certificate valid for `localhost` and `127.0.0.1`.
pub fn self_signed() -> TlsIdentity {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).expect("rcgen makes a certificate");
    TlsIdentity {
        cert_der: certified.cert.der().to_vec(),
        key_der: certified.signing_key.serialize_der(),
    }
}

/// A test CA, a server certificate it signed (for `localhost` and
/// `127.0.0.1`) and a client certificate it signed, all PEM: what a
/// server that requires client certificates needs, and its client.
#[derive(Clone, Debug)]
pub struct MutualTls {
    /// The CA certificate both sides trust.
    pub ca_pem: String,
    /// The server's certificate.
    pub server_cert_pem: String,
    /// The server's private key.
    pub server_key_pem: String,
    /// The client's certificate.
    pub client_cert_pem: String,
    /// The client's private key.
    pub client_key_pem: String,
}

/// Where [`MutualTls::write_to`] put each file.
#[derive(Clone, Debug)]
pub struct MutualTlsFiles {
    /// `ca.pem`.
    pub ca: std::path::PathBuf,
    /// `server.pem`.
    pub server_cert: std::path::PathBuf,
    /// `server.key`.
    pub server_key: std::path::PathBuf,
    /// `client.pem`.
    pub client_cert: std::path::PathBuf,
    /// `client.key`.
    pub client_key: std::path::PathBuf,
}

/// Makes a fresh CA and the two certificates it signs.
pub fn mutual_tls() -> MutualTls {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "xmlrpc test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().expect("CA key");
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf = |names: Vec<String>, cn: &str, purpose: ExtendedKeyUsagePurpose| {
        let mut params = CertificateParams::new(names).expect("leaf params");
        params.distinguished_name.push(DnType::CommonName, cn);
        params.extended_key_usages = vec![purpose];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let key = KeyPair::generate().expect("leaf key");
        let cert = params.signed_by(&key, &issuer).expect("leaf certificate");
        (cert.pem(), key.serialize_pem())
    };
    let (server_cert_pem, server_key_pem) = leaf(
        vec!["localhost".into(), "127.0.0.1".into()],
        "localhost",
        ExtendedKeyUsagePurpose::ServerAuth,
    );
    let (client_cert_pem, client_key_pem) = leaf(
        vec!["client.test".into()],
        "xmlrpc test client",
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    MutualTls {
        ca_pem: ca_cert.pem(),
        server_cert_pem,
        server_key_pem,
        client_cert_pem,
        client_key_pem,
    }
}

impl MutualTls {
    /// Writes the five PEM files into `dir` (created if needed).
    pub fn write_to(&self, dir: &std::path::Path) -> MutualTlsFiles {
        std::fs::create_dir_all(dir).expect("certificate dir");
        let put = |name: &str, text: &str| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write a PEM file");
            path
        };
        MutualTlsFiles {
            ca: put("ca.pem", &self.ca_pem),
            server_cert: put("server.pem", &self.server_cert_pem),
            server_key: put("server.key", &self.server_key_pem),
            client_cert: put("client.pem", &self.client_cert_pem),
            client_key: put("client.key", &self.client_key_pem),
        }
    }
}
