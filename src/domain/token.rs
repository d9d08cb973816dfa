//! Secrets: invite tokens and keys (≥128 bits from the OS CSPRNG, URL-safe,
//! stored only as a blake3 hash) and random row ids.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::TryRng;
use rand::rngs::SysRng;

/// Bytes of randomness in a token or key: 128 bits.
pub const SECRET_BYTES: usize = 16;

/// Fills a buffer from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> std::io::Result<[u8; N]> {
    let mut buf = [0u8; N];
    SysRng
        .try_fill_bytes(&mut buf)
        .map_err(|e| std::io::Error::other(format!("the OS random generator failed: {e}")))?;
    Ok(buf)
}

/// A fresh secret (token or key) as shown to a person: 22 URL-safe characters.
pub fn new_secret() -> std::io::Result<String> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<SECRET_BYTES>()?))
}

/// The only form in which a secret is stored.
pub fn hash_secret(secret: &str) -> [u8; 32] {
    *blake3::hash(secret.as_bytes()).as_bytes()
}

/// Whether a string has the shape of a secret (so junk never reaches the database).
pub fn looks_like_secret(s: &str) -> bool {
    s.len() == 22
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_128_bit_urlsafe_and_distinct() {
        let a = new_secret().unwrap();
        let b = new_secret().unwrap();
        assert_ne!(a, b);
        assert!(looks_like_secret(&a));
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 16);
        assert_ne!(hash_secret(&a), hash_secret(&b));
    }
}
