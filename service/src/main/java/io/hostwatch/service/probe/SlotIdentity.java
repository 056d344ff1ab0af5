package io.hostwatch.service.probe;

import io.hostwatch.schema.CorruptRecordException;
import io.hostwatch.schema.MemberId;
import io.hostwatch.schema.MemberRegistration;
import io.hostwatch.schema.StorageKeys;
import io.hostwatch.schema.StorageRecord;
import io.hostwatch.schema.StorageRecordCodec;
import java.security.PublicKey;
import java.util.Objects;
import java.util.UUID;

/**
 * Whose records a slot may hold: the incarnation and storage key of the member's latest
 * registration. {@link #assess} says whether a decoded record is the member's own; only such a
 * record can ever advance the slot. Immutable.
 */
final class SlotIdentity {
    /** No registration seen: no record of the slot can be the member's. */
    static final SlotIdentity NONE = new SlotIdentity(null, null, null, null, "no registration of the member seen"
            + " by this detector: its records cannot be verified");

    private final String registeredIncarnation;
    private final String registeredKey;
    private final UUID incarnation;
    private final PublicKey key;
    private final String refusal;

    private SlotIdentity(String registeredIncarnation, String registeredKey, UUID incarnation, PublicKey key,
                         String refusal) {
        this.registeredIncarnation = registeredIncarnation;
        this.registeredKey = registeredKey;
        this.incarnation = incarnation;
        this.key = key;
        this.refusal = refusal;
    }

    /** The identity a registration names; a malformed incarnation or key accepts no record. */
    static SlotIdentity of(MemberRegistration registration) {
        String inc = registration.incarnation();
        String keyText = registration.storageKey();
        UUID uuid;
        try {
            uuid = UUID.fromString(String.valueOf(inc));
        } catch (IllegalArgumentException e) {
            return new SlotIdentity(inc, keyText, null, null, "registered incarnation '" + inc + "' is not a UUID");
        }
        if (keyText == null) {
            return new SlotIdentity(inc, null, uuid, null, null);
        }
        try {
            return new SlotIdentity(inc, keyText, uuid, StorageKeys.parse(keyText), null);
        } catch (CorruptRecordException e) {
            return new SlotIdentity(inc, keyText, uuid, null, "registered storage key is invalid: " + e.getMessage());
        }
    }

    /** True when {@code registration} names this same identity (no need to parse its key again). */
    boolean matches(MemberRegistration registration) {
        return Objects.equals(registeredIncarnation, registration.incarnation())
                && Objects.equals(registeredKey, registration.storageKey()) && this != NONE;
    }

    /** True when the member registered a key: its records must be signed by it. */
    boolean signed() {
        return key != null;
    }

    /**
     * Null when {@code record} (decoded from {@code bytes}) is the member's own record of its
     * registered incarnation, else why not.
     */
    String assess(MemberId id, byte[] bytes, StorageRecord record) {
        if (refusal != null) {
            return refusal;
        }
        if (key != null && !StorageRecordCodec.verify(bytes, id, key)) {
            return StorageRecordCodec.version(bytes) == StorageRecordCodec.VERSION_SIGNED
                    ? "record not signed by the member's registered key (forged, or another host's)"
                    : "unsigned version " + StorageRecordCodec.version(bytes) + " record, but the member registered"
                    + " a storage key";
        }
        if (!incarnation.equals(record.incarnation())) {
            return "record of incarnation " + record.incarnation() + ", registered incarnation is " + incarnation;
        }
        return null;
    }
}
