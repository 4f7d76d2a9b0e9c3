/** Cross-sectional preprocessing of factor values (winsorise, z-score, rank-gauss, fill, neutralise). */
export {};
