package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// planFileVersion changes when the file's meaning does.
const planFileVersion = 1

// planFile is a reviewed plan: what plan --out saved and apply --plan
// carries out exactly. It holds the decisions (ids, actions, field names,
// notes), the settings they were made with (the clinic's phone number
// among them) and fingerprints of the source and ledger: never a person's
// field value nor a secret.
type planFile struct {
	Version   int         `json:"version"`
	CreatedAt time.Time   `json:"created_at"`
	Plans     []savedPlan `json:"plans"`
}

// savedPlan is one organisation's plan.
type savedPlan struct {
	Name           string             `json:"name,omitempty"`
	OrganizationID string             `json:"organization_id"`
	Source         string             `json:"source"`
	Settings       planSettings       `json:"settings"`
	Fingerprints   psync.Fingerprints `json:"fingerprints"`
	Outcome        string             `json:"outcome"`
	Counts         psync.Counts       `json:"counts"`
	Changes        []psync.Change     `json:"changes"`
}

// planSettings are the flags that change decisions; apply --plan uses the
// plan's, so it decides as the plan did.
type planSettings struct {
	Leavers           string  `json:"leavers"`
	AbsentRuns        int     `json:"absent_runs"`
	MaxLeavers        int     `json:"max_leavers"`
	MaxLeaversPercent float64 `json:"max_leavers_percent"`
	AllowMassLeavers  bool    `json:"allow_mass_leavers"`
	Refresh           bool    `json:"refresh"`
	// ClinicPhone and Timezone are pinned rather than carried over: a
	// changed number changes what is sent without changing the decisions'
	// names, and both belong to the organisation, not to the review, so
	// apply --plan refuses a change (see orgSettings.samePlanned).
	ClinicPhone string `json:"clinic_phone,omitempty"`
	Timezone    string `json:"timezone,omitempty"`
}

func settingsOf(j Job) planSettings {
	l := j.Lifecycle
	return planSettings{l.Leavers, l.AbsentRuns, l.MaxLeavers, l.MaxLeaversPercent, l.AllowMassLeavers, j.Refresh, j.Settings.pinned(), j.Settings.Timezone}
}

func (s planSettings) lifecycle() Lifecycle {
	return Lifecycle{s.Leavers, s.AbsentRuns, s.MaxLeavers, s.MaxLeaversPercent, s.AllowMassLeavers}
}

// WritePlanFile saves the plans of every organisation that ran, atomically
// and readable by its owner only.
func WritePlanFile(path string, results []Result) error {
	pf := planFile{Version: planFileVersion, CreatedAt: time.Now().UTC()}
	for _, r := range results {
		if r.Report == nil {
			return fmt.Errorf("organisation %s was not planned (%v): no plan file written", r.Job.OrgID, r.Err)
		}
		// A plan file is for review: it holds every change, however many.
		changes := []psync.Change{}
		if err := r.Report.EachChange(func(c psync.Change) error { changes = append(changes, c); return nil }); err != nil {
			return err
		}
		pf.Plans = append(pf.Plans, savedPlan{
			Name: r.Job.Name, OrganizationID: r.Job.OrgID, Source: r.Job.Source.name(),
			Settings: r.settings, Fingerprints: r.Report.Fingerprints,
			Outcome: r.Report.Outcome, Counts: r.Report.Counts, Changes: changes,
		})
	}
	data, err := json.MarshalIndent(pf, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".plan-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func readPlanFile(path string) (*planFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--plan: %w", err)
	}
	var pf planFile
	if err := json.Unmarshal(data, &pf); err != nil {
		return nil, fmt.Errorf("--plan %s is not a plan file written by plan --out: %w", path, err)
	}
	if pf.Version != planFileVersion {
		return nil, fmt.Errorf("--plan %s has version %d; this parchment-sync reads version %d: run plan --out again", path, pf.Version, planFileVersion)
	}
	return &pf, nil
}

// planFor finds the job's plan; an organisation the plan does not cover
// is refused rather than applied unreviewed.
func (pf *planFile) planFor(j Job) (*savedPlan, error) {
	for i := range pf.Plans {
		p := &pf.Plans[i]
		if p.OrganizationID == j.OrgID && p.Name == j.Name {
			return p, nil
		}
	}
	return nil, errors.New("the plan file has no plan for organisation " + j.OrgID + ": run plan --out with the same flags or config")
}
