/*
 * The librdkafka side of `make bench`: the same job as `kfast bench --json`, with the same
 * payload, codec, acks and linger, printing the same JSON object.
 *
 *   rdkafka_bench BROKERS TOPIC COUNT CODEC ACKS LINGER_MS
 *
 * Linked against the librdkafka inside the confluent-kafka wheel (2.16); Debian's own
 * librdkafka 2.0 cannot talk to Tansu.
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static long delivered, failed;
static long *latencies_us;
static long latency_count;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *message, void *opaque) {
    (void)rk; (void)opaque;
    if (message->err) {
        failed++;
        return;
    }
    delivered++;
    latencies_us[latency_count++] = (long)rd_kafka_message_latency(message);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static int by_value(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void set(rd_kafka_conf_t *conf, const char *name, const char *value) {
    char error[512];
    if (rd_kafka_conf_set(conf, name, value, error, sizeof error) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "rdkafka_bench: %s=%s: %s\n", name, value, error);
        exit(2);
    }
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: rdkafka_bench BROKERS TOPIC COUNT CODEC ACKS LINGER_MS\n");
        return 2;
    }
    long count = atol(argv[3]);
    char payload[2048];
    size_t length = 0;
    for (int i = 0; i <= 277; i++) length += (size_t)snprintf(payload + length, sizeof payload - length, i ? ",%d" : "%d", i);

    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", argv[1]);
    set(conf, "compression.codec", argv[4]);
    set(conf, "acks", argv[5]);
    set(conf, "linger.ms", argv[6]);
    set(conf, "partitioner", "murmur2_random");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    char error[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!rk) {
        fprintf(stderr, "rdkafka_bench: %s\n", error);
        return 1;
    }
    latencies_us = calloc((size_t)count, sizeof *latencies_us);
    rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, argv[2], NULL);

    double cpu_start = cpu_seconds(), start = now_seconds();
    for (long i = 0; i < count; i++) {
        while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload, length, NULL, 0, NULL) == -1) {
            if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "rdkafka_bench: produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
                return 1;
            }
            rd_kafka_poll(rk, 1);
        }
        rd_kafka_poll(rk, 0);
    }
    double enqueued = now_seconds() - start;
    rd_kafka_flush(rk, 300000);
    double seconds = now_seconds() - start;
    double cpu = cpu_seconds() - cpu_start;

    qsort(latencies_us, (size_t)latency_count, sizeof *latencies_us, by_value);
    double p50 = latency_count ? latencies_us[latency_count / 2] / 1000.0 : 0;
    double p99 = latency_count ? latencies_us[(long)(latency_count * 0.99)] / 1000.0 : 0;
    printf("{\"msgs\":%ld,\"bytes\":%ld,\"enqueue_seconds\":%.3f,\"seconds\":%.3f,\"msgs_per_sec\":%.3f,"
           "\"mb_per_sec\":%.3f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"errors\":%ld,\"cpu_seconds\":%.3f}\n",
           count, count * (long)length, enqueued, seconds, delivered / seconds, count * (double)length / seconds / 1e6,
           p50, p99, failed, cpu);
    rd_kafka_topic_destroy(topic);
    rd_kafka_destroy(rk);
    return failed ? 1 : 0;
}
