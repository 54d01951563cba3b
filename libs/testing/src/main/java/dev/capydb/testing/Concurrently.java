package dev.capydb.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs the same call from several threads at once and collects each answer, for tests of races. */
public final class Concurrently {

    private Concurrently() {}

    /** {@code call(i)} for i in 0..times-1, all started together; the answers in that order. */
    public static <T> List<T> call(int times, IntFunction<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(times);
        // Threads are started one by one: without the barrier the first call may be over before the last begins,
        // and a race test would pass without anything having raced.
        CyclicBarrier start = new CyclicBarrier(times);
        try {
            List<Callable<T>> calls = new ArrayList<>();
            for (int i = 0; i < times; i++) {
                int n = i;
                calls.add(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return call.apply(n);
                });
            }
            List<T> answers = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(calls)) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
