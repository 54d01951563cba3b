package dev.capydb.cli.api;

/** A failed API call, carrying the problem+json the service answered (or one made up for a non-JSON answer). */
public class ApiException extends RuntimeException {

    private final transient Problem problem;

    public ApiException(Problem problem) {
        super(problem.detail() != null ? problem.detail() : problem.title());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    public String code() {
        return problem.code();
    }

    /** For failures that happen on this side (connection refused, no login, job failed). */
    public static ApiException local(String code, String detail) {
        return new ApiException(new Problem(null, null, 0, code, detail, null, null, null));
    }
}
