/*
 * The librdkafka side of `make bench`: the same job as `kfast bench --json`, with the same
 * payload, codec, acks and linger, printing the same JSON object.
 *
 *   rdkafka_bench BROKERS TOPIC COUNT CODEC ACKS LINGER_MS
 *   rdkafka_bench consume BROKERS TOPIC COUNT [name=value ...]
 *
 * The consume mode reads COUNT messages from every partition of TOPIC from the beginning
 * (assigned directly, no group) and prints the same JSON as `kfast consume-bench --json`.
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

static long max_rss_kb(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/* argv[from...] as name=value properties; non-zero after saying which one is malformed. */
static int set_pairs(rd_kafka_conf_t *conf, int argc, char **argv, int from) {
    for (int i = from; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            fprintf(stderr, "rdkafka_bench: %s: expected name=value\n", argv[i]);
            return 2;
        }
        *eq = '\0';
        set(conf, argv[i], eq + 1);
    }
    return 0;
}

static int consume(int argc, char **argv) {
    long count = atol(argv[4]);
    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set(conf, "bootstrap.servers", argv[2]);
    set(conf, "group.id", "kafka-fast-consume-bench");
    set(conf, "enable.auto.commit", "false");
    set(conf, "enable.auto.offset.store", "false");
    if (set_pairs(conf, argc, argv, 5) != 0) return 2;
    double cpu_start = cpu_seconds(), start = now_seconds();
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
    if (!rk) {
        fprintf(stderr, "rdkafka_bench: %s\n", error);
        return 1;
    }
    const struct rd_kafka_metadata *metadata;
    rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, argv[3], NULL);
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, topic, &metadata, 30000);
    if (err || metadata->topic_cnt != 1 || metadata->topics[0].err) {
        fprintf(stderr, "rdkafka_bench: metadata for %s: %s\n", argv[3],
                rd_kafka_err2str(err ? err : metadata->topics[0].err));
        return 1;
    }
    rd_kafka_topic_partition_list_t *partitions = rd_kafka_topic_partition_list_new(metadata->topics[0].partition_cnt);
    for (int i = 0; i < metadata->topics[0].partition_cnt; i++)
        rd_kafka_topic_partition_list_add(partitions, argv[3], metadata->topics[0].partitions[i].id)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_metadata_destroy(metadata);
    rd_kafka_topic_destroy(topic);
    rd_kafka_assign(rk, partitions);
    rd_kafka_topic_partition_list_destroy(partitions);

    long received = 0, bytes = 0;
    double deadline = now_seconds() + 600;
    while (received < count && now_seconds() < deadline) {
        rd_kafka_message_t *message = rd_kafka_consumer_poll(rk, 100);
        if (!message) continue;
        if (message->err) {
            if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                fprintf(stderr, "rdkafka_bench: consume: %s\n", rd_kafka_message_errstr(message));
        } else {
            received++;
            bytes += (long)message->len;
        }
        rd_kafka_message_destroy(message);
    }
    double seconds = now_seconds() - start;
    double cpu = cpu_seconds() - cpu_start;
    printf("{\"msgs\":%ld,\"bytes\":%ld,\"seconds\":%.3f,\"msgs_per_sec\":%.3f,\"mb_per_sec\":%.3f,"
           "\"cpu_seconds\":%.3f,\"max_rss_kb\":%ld}\n",
           received, bytes, seconds, received / seconds, bytes / seconds / 1e6, cpu, max_rss_kb());
    fflush(stdout);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return received == count ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "consume") == 0) return consume(argc, argv);
    if (argc < 7) {
        fprintf(stderr, "usage: rdkafka_bench BROKERS TOPIC COUNT CODEC ACKS LINGER_MS [name=value ...]\n"
                        "       rdkafka_bench consume BROKERS TOPIC COUNT [name=value ...]\n");
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
    /* Further properties: TLS for the benchmark through stunnel. */
    if (set_pairs(conf, argc, argv, 7) != 0) return 2;
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
