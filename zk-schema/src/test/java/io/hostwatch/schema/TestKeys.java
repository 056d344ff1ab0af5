package io.hostwatch.schema;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;

/** Deterministic Ed25519 key pairs for golden fixtures (Ed25519 signatures are deterministic too). */
final class TestKeys {
    /** The key of the golden fixtures: private seed bytes 0x01, 0x02, ..., 0x20. */
    static final KeyPair GOLDEN = fromSeed(1);
    /** The base64 X.509 form of {@link #GOLDEN}'s public key, as in {@code member-registration-v2.json}. */
    static final String GOLDEN_PUBLIC = "MCowBQYDK2VwAyEAebVWLo/mVPlAeLES6KmLp5AfhTrmlb7X4OORC60ElmQ=";

    private TestKeys() {
    }

    /** A key pair whose 32-byte private seed is {@code first, first + 1, ...}. */
    static KeyPair fromSeed(int first) {
        byte[] seed = new byte[32];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (first + i);
        }
        SecureRandom fixed = new SecureRandom() {
            private static final long serialVersionUID = 1L;

            @Override
            public void nextBytes(byte[] bytes) {
                System.arraycopy(seed, 0, bytes, 0, bytes.length);
            }
        };
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(StorageKeys.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, fixed);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
