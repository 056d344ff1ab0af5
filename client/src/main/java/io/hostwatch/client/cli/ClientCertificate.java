package io.hostwatch.client.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * A client certificate for mutual TLS, from PEM files as python-openstackclient takes them
 * ({@code --os-cert}/{@code OS_CERT}, {@code --os-key}/{@code OS_KEY}): the certificate (and any
 * intermediate certificates after it), and an unencrypted private key, PKCS#8
 * ({@code BEGIN PRIVATE KEY}) or RSA PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), RSA, EC or Ed25519.
 * Without a key file the key is looked for in the certificate file. The key must belong to the
 * certificate. Every problem is a usage error (exit status 2) that names the file, never a secret.
 */
final class ClientCertificate {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s:,\\-]*?)-----END \\1-----");
    private static final char[] NO_PASSWORD = "hostwatch-cli".toCharArray();
    /** DER of the AlgorithmIdentifier rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private ClientCertificate(List<X509Certificate> chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    /** Reads {@code certFile} and {@code keyFile} (null: the key is in {@code certFile}). */
    static ClientCertificate read(String certFile, String keyFile) {
        String certText = text(certFile, "--os-cert");
        List<X509Certificate> chain = new ArrayList<>();
        PemBlock keyBlock = null;
        for (PemBlock b : blocks(certText)) {
            if (b.type().equals("CERTIFICATE")) {
                chain.add(certificate(b, certFile));
            } else if (b.type().endsWith("PRIVATE KEY") && keyFile == null) {
                keyBlock = b;
            }
        }
        if (chain.isEmpty()) {
            throw usage("--os-cert " + certFile + " holds no PEM certificate");
        }
        String keySource = keyFile == null ? certFile : keyFile;
        if (keyFile != null) {
            keyBlock = blocks(text(keyFile, "--os-key")).stream().filter(b -> b.type().endsWith("PRIVATE KEY"))
                    .findFirst().orElse(null);
        }
        if (keyBlock == null) {
            throw usage(keyFile == null ? "--os-cert " + certFile + " holds no private key: give it with --os-key"
                    + " FILE (or OS_KEY)" : "--os-key " + keyFile + " holds no PEM private key");
        }
        PrivateKey key = privateKey(keyBlock, chain.get(0).getPublicKey().getAlgorithm(), keySource);
        if (!belongsTo(key, chain.get(0))) {
            throw usage("the private key in " + keySource + " does not belong to the certificate in " + certFile);
        }
        return new ClientCertificate(chain, key);
    }

    /** The subject of the certificate, as the service's {@code auth.mtls} lists name it. */
    String subject() {
        return chain.get(0).getSubjectX500Principal().getName();
    }

    /** Key managers presenting this certificate. */
    KeyManager[] keyManagers() throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, NO_PASSWORD);
        return kmf.getKeyManagers();
    }

    private record PemBlock(String type, byte[] der, boolean encrypted) {
    }

    private static List<PemBlock> blocks(String text) {
        List<PemBlock> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            boolean encrypted = m.group(1).startsWith("ENCRYPTED") || body.contains("Proc-Type: 4,ENCRYPTED");
            byte[] der = new byte[0];
            if (!encrypted) {
                try {
                    der = Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
                } catch (IllegalArgumentException e) {
                    der = null;
                }
            }
            out.add(new PemBlock(m.group(1), der, encrypted));
        }
        return out;
    }

    private static X509Certificate certificate(PemBlock b, String file) {
        try {
            if (b.der() == null) {
                throw new GeneralSecurityException("bad base64");
            }
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(b.der()));
        } catch (GeneralSecurityException e) {
            throw usage("--os-cert " + file + " holds a certificate that cannot be read: " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(PemBlock b, String algorithm, String file) {
        if (b.encrypted()) {
            throw usage("the private key in " + file + " is encrypted, which the CLI does not read: decrypt it to"
                    + " a file only you can read (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
        }
        byte[] pkcs8 = switch (b.type()) {
            case "PRIVATE KEY" -> b.der();
            case "RSA PRIVATE KEY" -> b.der() == null ? null : rsaPkcs8(b.der());
            default -> throw usage("the " + b.type() + " in " + file + " is not supported: convert it to PKCS#8"
                    + " (openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
        };
        if (pkcs8 == null) {
            throw usage("the private key in " + file + " is not valid base64");
        }
        // the key's own algorithm (the certificate's first, so a mismatch is reported as one)
        String first = algorithm.equals("EdDSA") ? "Ed25519" : algorithm;
        for (String alg : new String[] {first, "RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException | RuntimeException notThis) {
                // try the next
            }
        }
        throw usage("the private key in " + file + " cannot be read (RSA, EC or Ed25519 in PKCS#8 or PKCS#1)");
    }

    /** PKCS#1 RSAPrivateKey wrapped as PKCS#8: SEQUENCE { 0, rsaEncryption, OCTET STRING { key } }. */
    private static byte[] rsaPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(length(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    /** True when {@code key} signs what the certificate's public key verifies. */
    private static boolean belongsTo(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // another algorithm: the TLS handshake will tell
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(challenge);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(cert.getPublicKey());
            verify.update(challenge);
            return verify.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String text(String file, String option) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            throw usage("cannot read " + option + " " + file + ": " + e.getMessage());
        }
    }

    private static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, ServiceClient.oneLine(message));
    }
}
