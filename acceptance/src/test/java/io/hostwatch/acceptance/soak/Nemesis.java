package io.hostwatch.acceptance.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostwatch.acceptance.soak.NemesisEvent.Phase;
import io.hostwatch.schema.BrakeRecord;
import io.hostwatch.schema.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link Schedule} against a {@link SoakLab} on this thread, step by step at its times, and
 * logs every step; next to it an operator thread watches the group's brake, records every brake
 * record it sees, and releases an engaged brake after {@code brakeHold} (as an operator would once
 * the mass failure is understood), logging the release.
 */
final class Nemesis implements AutoCloseable {
    private final SoakLab lab;
    private final NemesisLog log;
    private final Duration brakeHold;
    private final Set<BrakeRecord> brakes = new LinkedHashSet<>();
    private final ScheduledExecutorService operator = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-operator");
        t.setDaemon(true);
        return t;
    });
    private volatile Instant engagedSeen;
    private volatile int failedSteps;

    Nemesis(SoakLab lab, NemesisLog log, Duration brakeHold) {
        this.lab = lab;
        this.log = log;
        this.brakeHold = brakeHold;
    }

    void startOperator() {
        operator.scheduleWithFixedDelay(this::watchBrake, 0, 500, TimeUnit.MILLISECONDS);
        operator.scheduleWithFixedDelay(this::powerOn, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** With out-of-band fencing: powers on a host its BMC powered off once no fault holds it. */
    private void powerOn() {
        try {
            lab.powerOnIdle();
        } catch (RuntimeException e) {
            System.err.println("[soak] operator: power on: " + e);
        }
    }

    private void watchBrake() {
        try {
            JsonNode b = lab.brake();
            if (b == null || !b.has("engaged")) {
                return;
            }
            BrakeRecord r = Json.mapper().treeToValue(b, BrakeRecord.class);
            synchronized (brakes) {
                brakes.add(r);
            }
            if (!r.engaged()) {
                engagedSeen = null;
                return;
            }
            Instant now = Instant.now();
            if (engagedSeen == null) {
                engagedSeen = now;
            } else if (Duration.between(engagedSeen, now).compareTo(brakeHold) >= 0 && lab.releaseBrake()) {
                log.add(NemesisEvent.of(Instant.now(), Phase.RELEASE, SoakLab.GROUP, "operator released the brake "
                        + "engaged at " + r.engagedAt() + " (" + r.lost() + " of " + r.members() + " lost)"));
                engagedSeen = null;
            }
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            System.err.println("[soak] operator: " + e);
        }
    }

    List<BrakeRecord> brakes() {
        synchronized (brakes) {
            return new ArrayList<>(brakes);
        }
    }

    int failedSteps() {
        return failedSteps;
    }

    /**
     * Runs every step at its time after {@code origin}; returns when the last is done. Once
     * {@code stop} says so (checked before each step), faults not yet started are skipped and the
     * remaining steps of the started ones (their heals) are done at once.
     */
    void run(Schedule schedule, Instant origin, java.util.function.BooleanSupplier stop) {
        Map<Integer, Integer> left = new HashMap<>();
        Map<Integer, Schedule.Fault> byId = new HashMap<>();
        for (Schedule.Fault f : schedule.faults()) {
            left.put(f.id(), f.steps().size());
            byId.put(f.id(), f);
        }
        Set<Integer> started = new LinkedHashSet<>();
        boolean stopped = false;
        for (Schedule.Step step : schedule.steps()) {
            if (!stopped && stop.getAsBoolean()) {
                stopped = true;
                log.add(NemesisEvent.of(Instant.now(), Phase.STEP, SoakLab.GROUP, "stop requested: faults not yet "
                        + "started are skipped, the started ones healed now"));
            }
            if (stopped && !started.contains(step.fault())) {
                continue;
            }
            long wait = Duration.between(Instant.now(), origin.plusMillis(step.atMillis())).toMillis();
            if (wait > 0 && !stopped) {
                sleep(wait);
            }
            Schedule.Fault f = byId.get(step.fault());
            String detail;
            try {
                detail = lab.apply(step, f.kind(), !started.contains(step.fault()), left.get(step.fault()) == 1);
            } catch (RuntimeException e) {
                failedSteps++;
                detail = step.action() + " FAILED: " + e.getMessage();
            }
            Instant at = Instant.now();
            int remaining = left.merge(step.fault(), -1, Integer::sum);
            Phase phase = started.add(step.fault()) ? Phase.START : remaining == 0 ? Phase.HEAL : Phase.STEP;
            log.add(new NemesisEvent(at, phase, f.id(), f.kind(), f.target(), step.action() + ": " + detail));
            if (phase == Phase.START && remaining == 0) {
                log.add(new NemesisEvent(at, Phase.HEAL, f.id(), f.kind(), f.target(), "single-step fault"));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("soak interrupted", e);
        }
    }

    @Override
    public void close() {
        operator.shutdownNow();
        try {
            operator.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
