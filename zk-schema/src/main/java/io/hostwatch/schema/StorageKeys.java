package io.hostwatch.schema;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The Ed25519 keys that sign storage records. A member agent makes a new key pair for every
 * incarnation and keeps the private key in memory only; the public key travels in its
 * {@link MemberRegistration#storageKey()} as the base64 of its X.509 SubjectPublicKeyInfo
 * (44 bytes, the body of an OpenSSL {@code PUBLIC KEY} PEM block).
 */
public final class StorageKeys {
    /** The JDK's name of the signature algorithm and key type. */
    public static final String ALGORITHM = "Ed25519";
    /** Length of an Ed25519 signature. */
    public static final int SIGNATURE_LENGTH = 64;
    private static final int ENCODED_LENGTH = 44;

    private StorageKeys() {
    }

    /** A new key pair from the JDK's default secure random source. */
    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new HostwatchException("this JDK cannot make " + ALGORITHM + " keys", e);
        }
    }

    /** The registration form of a public key: base64 of its X.509 encoding. */
    public static String encode(PublicKey key) {
        if (!ALGORITHM.equalsIgnoreCase(key.getAlgorithm()) && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
            throw new HostwatchException("storage keys are " + ALGORITHM + ", not " + key.getAlgorithm());
        }
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /**
     * Reads a public key in registration form.
     *
     * @throws CorruptRecordException when the text is not an Ed25519 public key
     */
    public static PublicKey parse(String text) {
        if (text == null || text.length() > 4 * ENCODED_LENGTH) {
            throw new CorruptRecordException("storage key is missing or too long");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new CorruptRecordException("storage key is not base64", e);
        }
        if (der.length != ENCODED_LENGTH) {
            throw new CorruptRecordException("storage key is " + der.length + " bytes, an " + ALGORITHM
                    + " public key is " + ENCODED_LENGTH);
        }
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CorruptRecordException("storage key is not an " + ALGORITHM + " public key", e);
        }
    }
}
