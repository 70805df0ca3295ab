/**
 * Weft's test utilities, Tokio's {@code tokio-test}: poll a future by hand with a
 * counting waker and assert what it did. See {@link dev.weft.test}.
 */
module dev.weft.test {
    requires transitive dev.weft;
    exports dev.weft.test;
}
