package io.hostwatch.service.fencing;

import io.hostwatch.schema.SignalStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scripted BMC: a power state, a failure to throw, and how many reads a power-off takes to show. */
final class FakeBmc implements PowerManagement {
    volatile boolean on = true;
    volatile String failure;
    volatile int readsBeforeOff;
    volatile boolean ignoresPowerOff;
    /** Runs before a power-off takes effect, outside the lock (a test blocks the call here). */
    volatile Runnable beforePowerOff;
    /** Runs at every status read (a test changes the world between the read and the power-off here). */
    volatile Runnable onStatus;
    final List<String> calls = new CopyOnWriteArrayList<>();
    private int pendingReads;

    @Override
    public String method() {
        return "fake";
    }

    @Override
    public String target() {
        return "fake-bmc";
    }

    @Override
    public synchronized Reading status() {
        calls.add("status");
        Runnable hook = onStatus;
        if (hook != null) {
            hook.run();
        }
        fail();
        if (!on && pendingReads > 0) {
            pendingReads--;
            return new Reading(SignalStatus.Power.ON, "powering off");
        }
        return on ? new Reading(SignalStatus.Power.ON, "on") : new Reading(SignalStatus.Power.OFF, "off");
    }

    @Override
    public String powerOff() {
        Runnable before = beforePowerOff;
        if (before != null) {
            before.run();
        }
        return off();
    }

    private synchronized String off() {
        calls.add("off");
        fail();
        if (!ignoresPowerOff) {
            on = false;
            pendingReads = readsBeforeOff;
        }
        return "ok";
    }

    @Override
    public synchronized String powerOn() {
        calls.add("on");
        fail();
        on = true;
        return "ok";
    }

    long powerOffs() {
        return calls.stream().filter("off"::equals).count();
    }

    private void fail() {
        if (failure != null) {
            throw new BmcException(failure);
        }
    }
}
