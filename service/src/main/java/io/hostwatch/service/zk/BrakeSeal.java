package io.hostwatch.service.zk;

import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.HostwatchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collections;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tells an operator's brake release, written by a service instance's release path, from a
 * brake record anyone else rewrote (an ensemble whose ACLs let them). A release carries an HMAC
 * over the group, the engagement and the release, keyed from the private key of the service
 * identity that every instance holds ({@code zookeeper.tls.keyStore}); a host never holds it.
 * Without ZooKeeper TLS there is no such key: a release then only has to be well formed (time and
 * author present, not before the engagement), which is all an unprotected ensemble allows.
 */
public final class BrakeSeal {
    private static final String CONTEXT = "hostwatch brake release v1";

    private final SecretKeySpec key; // null: unsealed

    private BrakeSeal(SecretKeySpec key) {
        this.key = key;
    }

    /** No key: releases are checked for form only. */
    public static BrakeSeal unsealed() {
        return new BrakeSeal(null);
    }

    /** Keyed from the service identity's private key in {@code tls}; {@link #unsealed()} when {@code tls} is null. */
    public static BrakeSeal of(ZooKeeperTls tls) {
        if (tls == null) {
            return unsealed();
        }
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
            KeyStore ks = KeyStore.getInstance(ZooKeeperTls.type(tls.keyStore()));
            ks.load(in, tls.password().toCharArray());
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    Key k = ks.getKey(alias, tls.password().toCharArray());
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    sha.update(CONTEXT.getBytes(StandardCharsets.UTF_8));
                    return new BrakeSeal(new SecretKeySpec(sha.digest(k.getEncoded()), "HmacSHA256"));
                }
            }
            throw new HostwatchException("key store " + tls.keyStore() + " holds no private key");
        } catch (IOException | GeneralSecurityException e) {
            throw new HostwatchException("cannot read key store " + tls.keyStore() + ": " + e.getMessage(), e);
        }
    }

    public boolean sealed() {
        return key != null;
    }

    /** {@code released} with its seal (unchanged when unsealed). */
    public BrakeRecord seal(BrakeRecord released) {
        if (key == null) {
            return released;
        }
        return new BrakeRecord(released.group(), released.engaged(), released.engagedAt(), released.lost(),
                released.members(), released.reason(), released.releasedAt(), released.releasedBy(), mac(released),
                released.releaseRequestId());
    }

    /** True for a release written by the service's release path (never for an engaged record). */
    public boolean genuineRelease(BrakeRecord r) {
        if (r == null || r.engaged() || r.releasedAt() == null || r.releasedBy() == null || r.releasedBy().isBlank()
                || r.engagedAt() != null && r.releasedAt().isBefore(r.engagedAt())) {
            return false;
        }
        if (key == null) {
            return true;
        }
        return r.seal() != null && MessageDigest.isEqual(r.seal().getBytes(StandardCharsets.US_ASCII),
                mac(r).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(BrakeRecord r) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            // the request id is covered once there is one (releases written before it existed verify as before)
            String[] fields = r.releaseRequestId() == null
                    ? new String[] {r.group(), String.valueOf(r.engagedAt()), String.valueOf(r.releasedAt()),
                            r.releasedBy()}
                    : new String[] {r.group(), String.valueOf(r.engagedAt()), String.valueOf(r.releasedAt()),
                            r.releasedBy(), r.releaseRequestId()};
            for (String field : fields) {
                byte[] b = field.getBytes(StandardCharsets.UTF_8);
                out.write(b.length >>> 24);
                out.write(b.length >>> 16);
                out.write(b.length >>> 8);
                out.write(b.length);
                out.write(b, 0, b.length);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(out.toByteArray()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
