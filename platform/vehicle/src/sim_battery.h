// The simulated traction battery: state of charge, terminal voltage
// (open-circuit voltage minus IR drop), a lumped thermal model and ageing.
//
// Ageing follows the shape of NREL's BLAST-Lite models (docs/domain-facts.md §3):
// calendar loss grows with sqrt(time) plus a slow linear term, both scaled by
// temperature and mean SOC; cycle loss grows with equivalent full cycles^0.7,
// scaled by C-rate and cold charging. The constants are calibrated so that a
// `private` NMC car at 15 °C loses about 2.5 % in year 1 and about 1.7 %/yr
// after (Geotab/Recurrent fleet figures).
//
// SOC is energy-based: SOC changes by (terminal power * dt) / true capacity,
// so that an analysis integrating I*V over time recovers the true capacity.
//
// Threading: plain value, one thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace crm::vehicle::sim {

enum class Chemistry : std::uint8_t { kNmc, kNca, kLfp };
Chemistry parseChemistry(std::string_view name);  // unknown names read as NMC

enum class ThermalMode : std::uint8_t { kParked, kDriving, kAcCharging, kDcCharging };

class Battery {
 public:
  Battery(double nominal_kwh, Chemistry chemistry, double initial_soh_percent, double initial_soc,
          double initial_temp_c);

  Chemistry chemistry() const { return chemistry_; }
  double nominalKwh() const { return nominal_kwh_; }
  double soc() const { return soc_; }                   // 0..1
  double capacityKwh() const { return capacity_kwh_; }  // true usable capacity
  double energyKwh() const { return soc_ * capacity_kwh_; }
  double sohPercent() const { return capacity_kwh_ / nominal_kwh_ * 100.0; }
  double temperatureC() const { return temp_c_; }
  // Spread between the hottest and coldest module, for Temperature.Min/Max.
  double temperatureSpreadC() const { return temp_spread_c_; }
  // Age a used car's loss corresponds to, for its delivery date.
  double equivalentAgeDays() const { return initial_age_days_; }
  double equivalentFullCycles() const { return efc_; }

  double ocvPackV() const;
  double resistanceOhm() const;
  // Terminal current (A, + into the battery) that carries `power_w` at the
  // terminals: P = I * (OCV + I*R).
  double currentForPower(double power_w) const;
  double voltageForCurrent(double current_a) const {
    return ocvPackV() + current_a * resistanceOhm();
  }
  // Cell voltages at rest: imbalance grows with age and at low SOC.
  double cellMinV() const;
  double cellMaxV() const;

  // What the pack accepts from a DC charger now: flat until the knee
  // (about 55 % SOC for NMC), then tapering; less when the pack is cold.
  double dcAcceptanceW(double charger_w) const { return dcAcceptanceW(charger_w, soc_); }
  double dcAcceptanceW(double charger_w, double soc) const;

  // Moves energy through the terminals for dt seconds (power + = charging) and
  // counts cycle ageing. SOC is clamped to [0, 1]; callers stop before that.
  void applyPower(double power_w, double dt_s);
  // Pack temperature over dt at constant power: Joule heat, heaters and the
  // chiller when active, passive exchange with the ambient air.
  void updateThermal(double dt_s, double ambient_c, double power_w, ThermalMode mode);
  // Electrical load of the pack heater, drawn from the battery while driving
  // a cold pack (one reason winter consumption is higher).
  double heaterLoadW(ThermalMode mode) const;
  // Calendar ageing over dt at the present temperature and SOC.
  void ageCalendar(double dt_s);
  // Recomputes the true capacity from the ageing state. Called daily, so that
  // capacity is constant within a day and coulomb counting is exact there.
  void refreshCapacity();

 private:
  double ocvCellV() const;
  double lossPercent() const;

  double nominal_kwh_;
  Chemistry chemistry_;
  int cells_series_;
  double soc_;
  double capacity_kwh_;
  double temp_c_;
  double temp_spread_c_ = 0.8;
  double heat_capacity_j_per_k_;
  // Ageing state: stress-weighted days for the sqrt and linear calendar terms
  // and stress-weighted equivalent full cycles.
  double cal_sqrt_days_ = 0;
  double cal_lin_days_ = 0;
  double efc_stressed_ = 0;
  double efc_ = 0;
  double initial_age_days_ = 0;
};

}  // namespace crm::vehicle::sim
