package httpapi

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the service's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg      *prometheus.Registry
	issued   *prometheus.CounterVec
	changes  *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	commit   prometheus.Histogram
	publish  prometheus.Histogram
	inflight prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		issued: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netcred_credentials_issued_total", Help: "Credentials issued, by type and level.",
		}, []string{"type", "level"}),
		changes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netcred_status_changes_total", Help: "Accepted status changes, by new status.",
		}, []string{"status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "netcred_http_request_duration_seconds", Help: "HTTP request latency, by route and status code.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "code"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "netcred_http_errors_total", Help: "Refused or failed requests, by error code.",
		}, []string{"code"}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "netcred_store_commit_duration_seconds", Help: "Latency of durable store writes (issue, status change), as the service sees them.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}),
		publish: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "netcred_status_publish_duration_seconds", Help: "Time to sign and publish every status list.",
			Buckets: prometheus.DefBuckets,
		}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "netcred_http_requests_in_flight", Help: "Requests being served.",
		}),
	}
	m.reg.MustRegister(m.issued, m.changes, m.latency, m.errors, m.commit, m.publish, m.inflight,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}
