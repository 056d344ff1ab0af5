package io.hostwatch.client.watch;

import io.hostwatch.client.watch.VerdictListener;
import io.hostwatch.client.watch.VerdictSnapshot;
import io.hostwatch.client.watch.VerdictSubscriber;
import io.hostwatch.schema.Verdict;
import java.time.Duration;

/** Prints every verdict change until interrupted. Usage: SubscriberExample zk1:2181,zk2:2181 */
public final class SubscriberExample {
    public static void main(String[] args) throws InterruptedException {
        VerdictListener printer = new VerdictListener() {
            @Override
            public void initialized(VerdictSnapshot snapshot) {
                System.out.println(snapshot.verdicts().size() + " members have a verdict");
            }

            @Override
            public void verdictChanged(Verdict old, Verdict now) {
                System.out.println(now.id() + ": " + (old == null ? "new" : old.state()) + " -> " + now.state()
                        + " (" + now.reason() + ")");
            }
        };
        try (VerdictSubscriber subscriber = VerdictSubscriber.builder(args[0], Duration.ofSeconds(6))
                .listener(printer).build()) {
            subscriber.start();
            Thread.currentThread().join(); // until interrupted; callbacks run on the subscriber's thread
        }
    }
}
