//! Test certificates: a CA, a server certificate for `127.0.0.1` and
//! `localhost` signed by it, and a client certificate signed by it, written
//! as PEM files, for collectors that require TLS and client certificates.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

use crate::PeerError;

/// PEM files of a test PKI.
#[derive(Debug, Clone)]
pub struct TestPki {
    /// The CA certificate (what clients and the server trust).
    pub ca: PathBuf,
    /// The server certificate (SANs `127.0.0.1`, `localhost`).
    pub server_cert: PathBuf,
    /// The server's private key.
    pub server_key: PathBuf,
    /// A client certificate signed by the CA.
    pub client_cert: PathBuf,
    /// The client's private key.
    pub client_key: PathBuf,
}

fn failed(what: &str, e: impl std::fmt::Display) -> PeerError {
    PeerError::Io(std::io::Error::other(format!("{what}: {e}")))
}

fn leaf(
    name: &str,
    sans: Vec<String>,
    purpose: ExtendedKeyUsagePurpose,
    issuer: &Issuer<'_, KeyPair>,
) -> Result<(String, String), PeerError> {
    let mut params = CertificateParams::new(sans).map_err(|e| failed(name, e))?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![purpose];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let key = KeyPair::generate().map_err(|e| failed(name, e))?;
    let cert = params
        .signed_by(&key, issuer)
        .map_err(|e| failed(name, e))?;
    Ok((cert.pem(), key.serialize_pem()))
}

impl TestPki {
    /// Where [`generate`](Self::generate) writes the files in `dir`.
    pub fn in_dir(dir: &Path) -> Self {
        TestPki {
            ca: dir.join("ca.pem"),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server.key"),
            client_cert: dir.join("client.pem"),
            client_key: dir.join("client.key"),
        }
    }

    /// Generates the CA and both certificates into `dir`.
    pub fn generate(dir: &Path) -> Result<Self, PeerError> {
        let mut ca_params =
            CertificateParams::new(Vec::<String>::new()).map_err(|e| failed("ca", e))?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "letta test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_key = KeyPair::generate().map_err(|e| failed("ca", e))?;
        let ca_cert = ca_params
            .self_signed(&ca_key)
            .map_err(|e| failed("ca", e))?;
        let issuer = Issuer::new(ca_params, ca_key);

        let (server_cert, server_key) = leaf(
            "127.0.0.1",
            vec!["127.0.0.1".into(), "localhost".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
            &issuer,
        )?;
        let (client_cert, client_key) = leaf(
            "letta-client",
            vec!["letta-client".into()],
            ExtendedKeyUsagePurpose::ClientAuth,
            &issuer,
        )?;
        let pki = Self::in_dir(dir);
        for (path, pem) in [
            (&pki.ca, ca_cert.pem()),
            (&pki.server_cert, server_cert),
            (&pki.server_key, server_key),
            (&pki.client_cert, client_cert),
            (&pki.client_key, client_key),
        ] {
            std::fs::write(path, pem).map_err(PeerError::Io)?;
        }
        Ok(pki)
    }
}
