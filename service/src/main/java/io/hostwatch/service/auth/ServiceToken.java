package io.hostwatch.service.auth;

/**
 * hostwatch's own Keystone token, which it sends as {@code X-Auth-Token} when it asks Keystone to
 * validate a caller's token (as keystonemiddleware does with its service user).
 */
public interface ServiceToken {
    /**
     * The current token, authenticating first when there is none.
     *
     * @throws RuntimeException when Keystone cannot be reached or refuses the service's credentials
     */
    String get();

    /** Drops {@code stale} (Keystone answered 401 to it) so that {@link #get()} authenticates again. */
    void invalidate(String stale);
}
