package io.hostwatch.acceptance.harness;

import java.util.concurrent.Callable;

/**
 * The condition of an {@code await().during(...)} that a generous {@code atMost} cannot forgive.
 * Awaitility restarts a during-hold whenever a poll finds its condition false, so with plenty of
 * slack a condition that broke and then held again long enough would pass. Wrapped in a Hold,
 * once the condition has held, a look that finds it broken fails the wait at once; a look that got
 * no answer (the {@code look} returns null: a reply that did not come in time) only restarts the
 * hold, as before.
 */
public final class Hold implements Callable<Boolean> {
    private final String what;
    private final Callable<Boolean> look;
    private volatile boolean held;

    private Hold(String what, Callable<Boolean> look) {
        this.what = what;
        this.look = look;
    }

    /**
     * @param what what must hold, for the failure message
     * @param look true while it holds, false once it is broken, null when there was no answer
     */
    public static Hold of(String what, Callable<Boolean> look) {
        return new Hold(what, look);
    }

    @Override
    public Boolean call() throws Exception {
        Boolean ok = look.call();
        if (Boolean.TRUE.equals(ok)) {
            held = true;
            return true;
        }
        if (ok != null && held) {
            throw new AssertionError("held, then broke: " + what);
        }
        return false;
    }
}
