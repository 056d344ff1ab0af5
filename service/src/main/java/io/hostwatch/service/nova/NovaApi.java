package io.hostwatch.service.nova;

import java.util.List;

/**
 * The part of Nova's compute API ({@code os-services}, microversion 2.53) hostwatch uses. Every
 * method throws {@link OpenStackException} when the call does not succeed.
 */
public interface NovaApi {
    /** {@code GET /os-services?binary=nova-compute&host=HOST}: the services Nova lists for exactly that host. */
    List<ComputeService> computeServices(String novaHost);

    /** {@code PUT /os-services/{id}} with {@code forced_down: true, status: disabled, disabled_reason}. */
    void forceDown(String serviceId, String reason);

    /**
     * {@code PUT /os-services/{id}} with {@code forced_down: false}. While evacuation records of the
     * host remain, Nova refuses with a 400; that refusal is a {@linkplain OpenStackException#retryable()
     * retryable} failure.
     */
    void forceUp(String serviceId);

    /** {@code PUT /os-services/{id}} with {@code status: enabled}. */
    void enable(String serviceId);
}
